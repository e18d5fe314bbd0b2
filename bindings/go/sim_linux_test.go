package bwvoice_test

import (
	"os/exec"
	"syscall"
)

// configureSimulatorProcess makes the kernel kill the simulator if the test
// binary dies without running its cleanup.
func configureSimulatorProcess(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
