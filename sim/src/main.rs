//! `bwvoice-sim`: runs the simulator until killed.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use bwvoice_sim::{Config, Simulator};

const USAGE: &str = "usage: bwvoice-sim [--port N] [--username U] [--password P] \
[--client-id ID] [--client-secret S] [--token-expires-in SECS] [--webhook-timeout-ms MS] [--verbose]";

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(Config, bool), String> {
    let mut cfg = Config::default();
    let mut verbose = false;
    while let Some(flag) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (flag, None),
        };
        if flag == "--verbose" {
            verbose = true;
            continue;
        }
        if flag == "-h" || flag == "--help" {
            return Err(String::new());
        }
        let value = inline
            .or_else(|| args.next())
            .ok_or_else(|| format!("missing value for {flag}"))?;
        let num = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("invalid number for {flag}: {v}"))
        };
        match flag.as_str() {
            "--port" => {
                cfg.port = value
                    .parse()
                    .map_err(|_| format!("invalid port: {value}"))?
            }
            "--username" => cfg.username = value,
            "--password" => cfg.password = value,
            "--client-id" => cfg.client_id = value,
            "--client-secret" => cfg.client_secret = value,
            "--token-expires-in" => cfg.token_expires_in = num(&value)?,
            "--webhook-timeout-ms" => cfg.webhook_timeout = Duration::from_millis(num(&value)?),
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok((cfg, verbose))
}

fn main() -> ExitCode {
    let (cfg, verbose) = match parse_args(std::env::args().skip(1)) {
        Ok(parsed) => parsed,
        Err(msg) => {
            if msg.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("bwvoice-sim: {msg}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let sim = match Simulator::start(cfg) {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("bwvoice-sim: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    sim.set_verbose(verbose);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", sim.url());
    let _ = out.flush();
    drop(out);
    // Serve until killed; the default SIGTERM/SIGINT handling ends the process.
    loop {
        std::thread::park();
    }
}
