//! Asynchronous calls: a bounded queue and a pool of worker threads that run
//! the blocking pipeline, so a caller's thread never waits on the network.
//!
//! Every submitted task completes exactly once, on a worker thread (or on
//! the submitting thread, for [`Pool::submit_inline`] when a worker slot is
//! free): it runs ([`Task::run`]), or it is skipped with an error
//! ([`Task::skip`]) when it was cancelled while queued or the pool closed
//! first. Workers start as
//! work arrives, up to `max_concurrency`, and stay until the pool closes.

pub use crate::cancel::Cancel;
use crate::error::{Error, Status};
use std::cell::Cell;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;

/// Calls running at once when the configuration leaves it unset.
pub const DEFAULT_MAX_CONCURRENCY: u32 = 64;
/// Calls waiting to run when the configuration leaves it unset.
pub const DEFAULT_MAX_QUEUED: u32 = 10_000;
/// The most `max_concurrency` may be: each is a thread.
pub const MAX_CONCURRENCY_LIMIT: u32 = 4096;

/// How many asynchronous calls a pool runs at once, and holds waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolLimits {
    pub max_concurrency: u32,
    pub max_queued: u32,
}

/// Reports a finished call's outcome; the pool calls it once the job is
/// no longer pending, so a cancel from inside the report finds nothing.
pub type Report = Box<dyn FnOnce()>;

/// A call to run on the pool.
pub trait Task: Send + 'static {
    /// Runs the call and returns how to report its outcome. `cancel` is set
    /// when the call is cancelled while it runs.
    fn run(self: Box<Self>, id: u64, cancel: &Cancel) -> Report;
    /// Reports `error` without running the call.
    fn skip(self: Box<Self>, id: u64, error: Error);
}

struct Queued {
    id: u64,
    task: Box<dyn Task>,
    cancelled: bool,
}

/// Job ids are unique in the process, not just per client, so one
/// completion queue can serve many clients. Never 0.
static NEXT_ID: AtomicU64 = AtomicU64::new(1);

#[derive(Default)]
struct State {
    queue: VecDeque<Queued>,
    running: HashMap<u64, Arc<Cancel>>,
    workers: usize,
    idle: usize,
    handles: Vec<JoinHandle<()>>,
    closing: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Work was queued, or the pool is closing.
    work: Condvar,
    /// A worker exited.
    exited: Condvar,
    max_concurrency: usize,
    max_queued: usize,
}

thread_local! {
    /// Set on the pool's worker threads: closing from one cannot wait for
    /// the workers, itself among them.
    static ON_WORKER: Cell<bool> = const { Cell::new(false) };
}

/// A client's queue and workers. Dropping it closes it (see [`Pool::close`]).
pub struct Pool {
    shared: Arc<Shared>,
}

impl Pool {
    pub fn new(limits: PoolLimits) -> Pool {
        Pool {
            shared: Arc::new(Shared {
                state: Mutex::new(State::default()),
                work: Condvar::new(),
                exited: Condvar::new(),
                max_concurrency: limits.max_concurrency as usize,
                max_queued: limits.max_queued as usize,
            }),
        }
    }

    /// Queues `task`. `on_id` receives its id before any worker can see it,
    /// so the id is known before the task completes. Full: `Status::Busy`,
    /// and the task is handed back untouched.
    pub fn submit(
        &self,
        task: Box<dyn Task>,
        on_id: impl FnOnce(u64),
    ) -> Result<u64, (Error, Box<dyn Task>)> {
        let mut state = lock(&self.shared.state);
        if state.closing {
            return Err((
                Error::new(Status::Cancelled, "the client is being freed"),
                task,
            ));
        }
        if state.queue.len() >= self.shared.max_queued {
            let message = format!(
                "the client's queue of asynchronous calls is full (max_queued {}); \
                 nothing was queued",
                self.shared.max_queued
            );
            return Err((Error::new(Status::Busy, message), task));
        }
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        on_id(id);
        state.queue.push_back(Queued {
            id,
            task,
            cancelled: false,
        });
        // Idle workers take queued tasks one each; start another worker
        // when they cannot take them all.
        if state.queue.len() > state.idle && state.workers < self.shared.max_concurrency {
            state.workers += 1;
            let shared = Arc::clone(&self.shared);
            let spawned = std::thread::Builder::new()
                .name("bwvoice-worker".into())
                .spawn(move || work(&shared));
            match spawned {
                Ok(handle) => state.handles.push(handle),
                // No thread now: the task waits for a running worker (or,
                // with none at all, is cancelled when the pool closes).
                Err(_) => state.workers -= 1,
            }
        }
        self.shared.work.notify_one();
        Ok(id)
    }

    /// Runs `task` here, on the calling thread, when the pool could start it
    /// at once (nothing queued, fewer than `max_concurrency` running):
    /// its report then runs before this returns. Otherwise queues it, as
    /// [`Pool::submit`]. Either way `on_id` has the id before the task runs.
    /// The report must not free the pool: the caller still holds it.
    pub fn submit_inline(
        &self,
        task: Box<dyn Task>,
        on_id: impl FnOnce(u64),
    ) -> Result<u64, (Error, Box<dyn Task>)> {
        let mut state = lock(&self.shared.state);
        let free = state.queue.is_empty() && state.running.len() < self.shared.max_concurrency;
        if state.closing || !free {
            drop(state);
            return self.submit(task, on_id);
        }
        let id = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        on_id(id);
        let cancel = Arc::new(Cancel::default());
        state.running.insert(id, Arc::clone(&cancel));
        drop(state);
        let report = task.run(id, &cancel);
        lock(&self.shared.state).running.remove(&id);
        // A worker may be waiting for the slot this call held.
        self.shared.work.notify_one();
        report();
        Ok(id)
    }

    /// Cancels job `id`: a queued job completes with `Status::Cancelled`
    /// without being sent; a running one makes no further attempt and stops
    /// waiting. False when the job is unknown or has completed.
    pub fn cancel(&self, id: u64) -> bool {
        let mut state = lock(&self.shared.state);
        if let Some(running) = state.running.get(&id) {
            running.set();
            return true;
        }
        let Some(pos) = state.queue.iter().position(|q| q.id == id && !q.cancelled) else {
            return false;
        };
        // To the front, so the next free worker completes it at once.
        if let Some(mut queued) = state.queue.remove(pos) {
            queued.cancelled = true;
            state.queue.push_front(queued);
        }
        self.shared.work.notify_one();
        true
    }

    /// Jobs queued and running, for tests and counters.
    pub fn pending(&self) -> (usize, usize) {
        let state = lock(&self.shared.state);
        (state.queue.len(), state.running.len())
    }

    /// Stops taking work: queued jobs complete with `Status::Cancelled`,
    /// running ones finish within their budgets. Waits for all of it and for
    /// the workers to exit, unless called on a worker (from a completion):
    /// then it returns at once and the last worker out finishes the job.
    pub fn close(&self) {
        let mut state = lock(&self.shared.state);
        state.closing = true;
        for queued in &mut state.queue {
            queued.cancelled = true;
        }
        self.shared.work.notify_all();
        if ON_WORKER.with(Cell::get) {
            return;
        }
        while state.workers > 0 {
            state = self
                .shared
                .exited
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
        let handles = std::mem::take(&mut state.handles);
        drop(state);
        for handle in handles {
            // A worker's panics are caught around each task; an Err here
            // means nothing more can be done about it.
            let _ = handle.join();
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.close();
    }
}

/// A worker: takes queued tasks until the pool closes and the queue is empty.
fn work(shared: &Shared) {
    ON_WORKER.with(|w| w.set(true));
    let mut state = lock(&shared.state);
    loop {
        // Calls run inline count against max_concurrency too; a cancelled
        // one needs no slot to be skipped.
        let runnable = state
            .queue
            .front()
            .is_some_and(|q| q.cancelled || state.running.len() < shared.max_concurrency);
        let Some(queued) = runnable.then(|| state.queue.pop_front()).flatten() else {
            if state.closing && state.queue.is_empty() {
                break;
            }
            state.idle += 1;
            state = shared.work.wait(state).unwrap_or_else(|e| e.into_inner());
            state.idle -= 1;
            continue;
        };
        let Queued {
            id,
            task,
            cancelled,
        } = queued;
        if cancelled {
            let why = if state.closing {
                "the client was freed before this call was sent"
            } else {
                "cancelled before it was sent"
            };
            drop(state);
            task.skip(id, Error::new(Status::Cancelled, why));
        } else {
            let cancel = Arc::new(Cancel::default());
            state.running.insert(id, Arc::clone(&cancel));
            drop(state);
            let report = task.run(id, &cancel);
            lock(&shared.state).running.remove(&id);
            report();
        }
        state = lock(&shared.state);
    }
    state.workers -= 1;
    shared.exited.notify_all();
}

/// A poisoned lock only means a task panicked while another held it; the
/// state itself is always consistent between statements.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;
    use std::time::Duration;

    fn limits(max_concurrency: u32, max_queued: u32) -> PoolLimits {
        PoolLimits {
            max_concurrency,
            max_queued,
        }
    }

    /// Reports each outcome on a channel; blocks in `run` until `gate` opens.
    struct Probe {
        done: mpsc::Sender<(u64, Result<(), Status>)>,
        gate: Arc<(Mutex<bool>, Condvar)>,
    }

    impl Task for Probe {
        fn run(self: Box<Self>, id: u64, cancel: &Cancel) -> Report {
            let (open, cv) = &*self.gate;
            let mut open = lock(open);
            while !*open && !cancel.is_set() {
                open = cv
                    .wait_timeout(open, Duration::from_millis(10))
                    .map_or_else(|e| e.into_inner().0, |(g, _)| g);
            }
            let result = if cancel.is_set() {
                Err(Status::Cancelled)
            } else {
                Ok(())
            };
            drop(open);
            let done = self.done;
            Box::new(move || {
                let _ = done.send((id, result));
            })
        }
        fn skip(self: Box<Self>, id: u64, error: Error) {
            let _ = self.done.send((id, Err(error.status)));
        }
    }

    fn gate(open: bool) -> Arc<(Mutex<bool>, Condvar)> {
        Arc::new((Mutex::new(open), Condvar::new()))
    }

    fn open(gate: &(Mutex<bool>, Condvar)) {
        *lock(&gate.0) = true;
        gate.1.notify_all();
    }

    #[test]
    fn every_task_completes_exactly_once() {
        let pool = Pool::new(limits(4, 1000));
        let (tx, rx) = mpsc::channel();
        let g = gate(true);
        let mut ids = Vec::new();
        for _ in 0..500 {
            let probe = Probe {
                done: tx.clone(),
                gate: Arc::clone(&g),
            };
            ids.push(
                pool.submit(Box::new(probe), |_| {})
                    .map_err(|(e, _)| e)
                    .unwrap(),
            );
        }
        drop(tx);
        let mut seen: Vec<u64> = (0..ids.len())
            .map(|_| {
                let (id, result) = rx.recv().unwrap();
                assert_eq!(result, Ok(()));
                id
            })
            .collect();
        drop(pool); // joins the workers
        assert!(rx.recv().is_err(), "nothing completes twice");
        seen.sort_unstable();
        assert_eq!(seen, ids);
    }

    #[test]
    fn inline_runs_on_the_calling_thread_only_when_a_slot_is_free() {
        let pool = Pool::new(limits(1, 10));
        let (tx, rx) = mpsc::channel();
        let here = std::thread::current().id();
        // Free: runs here, reported before submit_inline returns.
        let id = pool
            .submit_inline(
                Box::new(Probe {
                    done: tx.clone(),
                    gate: gate(true),
                }),
                |_| {},
            )
            .map_err(|(e, _)| e)
            .unwrap();
        assert_eq!(rx.try_recv(), Ok((id, Ok(()))));
        assert_eq!(pool.pending(), (0, 0));
        // One call running on the only slot: the next one is queued instead.
        let held = gate(false);
        let (seen_tx, seen_rx) = mpsc::channel();
        struct Where(mpsc::Sender<std::thread::ThreadId>, Probe);
        impl Task for Where {
            fn run(self: Box<Self>, id: u64, cancel: &Cancel) -> Report {
                let _ = self.0.send(std::thread::current().id());
                Box::new(self.1).run(id, cancel)
            }
            fn skip(self: Box<Self>, id: u64, error: Error) {
                Box::new(self.1).skip(id, error);
            }
        }
        let first = Probe {
            done: tx.clone(),
            gate: Arc::clone(&held),
        };
        pool.submit(Box::new(Where(seen_tx.clone(), first)), |_| {})
            .map_err(|(e, _)| e)
            .unwrap();
        let worker = seen_rx.recv().unwrap(); // running on a worker now
        assert_ne!(worker, here);
        let second = Probe {
            done: tx.clone(),
            gate: Arc::clone(&held),
        };
        pool.submit_inline(Box::new(Where(seen_tx, second)), |_| {})
            .map_err(|(e, _)| e)
            .unwrap();
        assert_eq!(pool.pending().0, 1, "queued, not run here");
        open(&held);
        for _ in 0..2 {
            assert_eq!(rx.recv().unwrap().1, Ok(()));
        }
        assert_ne!(
            seen_rx.recv().unwrap(),
            here,
            "the queued one ran on a worker"
        );
    }

    #[test]
    fn an_inline_call_holds_a_slot_workers_respect() {
        let pool = Arc::new(Pool::new(limits(1, 10)));
        let (tx, rx) = mpsc::channel();
        let held = gate(false);
        let inline = {
            let (pool, probe) = (
                Arc::clone(&pool),
                Probe {
                    done: tx.clone(),
                    gate: Arc::clone(&held),
                },
            );
            std::thread::spawn(move || pool.submit_inline(Box::new(probe), |_| {}).is_ok())
        };
        while pool.pending().1 == 0 {
            std::thread::yield_now();
        }
        // The only slot is taken inline: a queued call waits for it.
        pool.submit(
            Box::new(Probe {
                done: tx,
                gate: gate(true),
            }),
            |_| {},
        )
        .map_err(|(e, _)| e)
        .unwrap();
        assert!(
            rx.recv_timeout(Duration::from_millis(50)).is_err(),
            "ran beside the inline call"
        );
        assert_eq!(pool.pending(), (1, 1));
        open(&held);
        assert!(inline.join().unwrap());
        for _ in 0..2 {
            assert_eq!(rx.recv().unwrap().1, Ok(()));
        }
    }

    #[test]
    fn a_full_queue_is_busy_and_cancelled_jobs_never_run() {
        let pool = Pool::new(limits(1, 2));
        let (tx, rx) = mpsc::channel();
        let closed = gate(false);
        let submit = |pool: &Pool| {
            let probe = Probe {
                done: tx.clone(),
                gate: Arc::clone(&closed),
            };
            pool.submit(Box::new(probe), |_| {})
        };
        let first = submit(&pool).map_err(|(e, _)| e).unwrap();
        // Wait (bounded by the channel, not by time) until the worker runs it.
        while pool.pending() != (0, 1) {
            std::thread::yield_now();
        }
        let second = submit(&pool).map_err(|(e, _)| e).unwrap();
        let third = submit(&pool).map_err(|(e, _)| e).unwrap();
        let (err, _task) = submit(&pool).err().unwrap();
        assert_eq!(err.status, Status::Busy);
        assert!(err.message.contains("max_queued 2"), "{}", err.message);
        assert!(pool.cancel(third));
        assert!(!pool.cancel(third), "only once");
        assert!(!pool.cancel(999));
        open(&closed);
        let mut outcomes: Vec<_> = (0..3).map(|_| rx.recv().unwrap()).collect();
        outcomes.sort_unstable_by_key(|(id, _)| *id);
        assert_eq!(
            outcomes,
            [
                (first, Ok(())),
                (second, Ok(())),
                (third, Err(Status::Cancelled))
            ]
        );
    }

    #[test]
    fn cancelling_a_running_job_stops_it() {
        let pool = Pool::new(limits(1, 10));
        let (tx, rx) = mpsc::channel();
        let probe = Probe {
            done: tx,
            gate: gate(false),
        };
        let id = pool
            .submit(Box::new(probe), |_| {})
            .map_err(|(e, _)| e)
            .unwrap();
        while pool.pending() != (0, 1) {
            std::thread::yield_now();
        }
        assert!(pool.cancel(id));
        assert_eq!(rx.recv().unwrap(), (id, Err(Status::Cancelled)));
    }

    #[test]
    fn closing_cancels_what_is_queued_and_finishes_what_runs() {
        let pool = Arc::new(Pool::new(limits(1, 10)));
        let (tx, rx) = mpsc::channel();
        let g = gate(false);
        let ids: Vec<u64> = (0..3)
            .map(|_| {
                let probe = Probe {
                    done: tx.clone(),
                    gate: Arc::clone(&g),
                };
                pool.submit(Box::new(probe), |_| {})
                    .map_err(|(e, _)| e)
                    .unwrap()
            })
            .collect();
        while pool.pending() != (2, 1) {
            std::thread::yield_now();
        }
        // The running job may finish only once close() has cancelled the
        // queue; otherwise the worker would run the next one.
        let opener = {
            let (pool, g) = (Arc::clone(&pool), Arc::clone(&g));
            std::thread::spawn(move || {
                while !lock(&pool.shared.state).closing {
                    std::thread::yield_now();
                }
                open(&g);
            })
        };
        pool.close();
        opener.join().unwrap();
        let mut outcomes: Vec<_> = rx.try_iter().collect();
        outcomes.sort_unstable_by_key(|(id, _)| *id);
        assert_eq!(
            outcomes,
            [
                (ids[0], Ok(())),
                (ids[1], Err(Status::Cancelled)),
                (ids[2], Err(Status::Cancelled))
            ]
        );
        let probe = Probe { done: tx, gate: g };
        let (err, _) = pool.submit(Box::new(probe), |_| {}).err().unwrap();
        assert_eq!(err.status, Status::Cancelled);
    }

    #[test]
    fn the_id_is_known_before_the_task_can_complete() {
        let pool = Pool::new(limits(2, 10));
        let (tx, rx) = mpsc::channel();
        let mut announced = 0;
        let id = pool
            .submit(
                Box::new(Probe {
                    done: tx,
                    gate: gate(true),
                }),
                |id| announced = id,
            )
            .map_err(|(e, _)| e)
            .unwrap();
        assert_eq!(announced, id);
        assert_eq!(rx.recv().unwrap(), (id, Ok(())));
    }

    /// Cancels its own job from its report.
    struct SelfCancel {
        pool: Arc<Mutex<Option<Arc<Pool>>>>,
        done: mpsc::Sender<bool>,
    }

    impl Task for SelfCancel {
        fn run(self: Box<Self>, id: u64, _: &Cancel) -> Report {
            Box::new(move || {
                let pool = lock(&self.pool).clone().expect("set before submit");
                let _ = self.done.send(pool.cancel(id));
            })
        }
        fn skip(self: Box<Self>, _: u64, _: Error) {}
    }

    #[test]
    fn a_job_is_no_longer_pending_once_it_reports() {
        let pool = Arc::new(Pool::new(limits(1, 10)));
        let slot = Arc::new(Mutex::new(Some(Arc::clone(&pool))));
        let (tx, rx) = mpsc::channel();
        let task = SelfCancel {
            pool: Arc::clone(&slot),
            done: tx,
        };
        pool.submit(Box::new(task), |_| {})
            .map_err(|(e, _)| e)
            .unwrap();
        assert!(!rx.recv().unwrap(), "cancel found a job that had completed");
        // The task's Arc<Pool> would keep the pool alive from its own worker.
        lock(&slot).take();
    }
}
