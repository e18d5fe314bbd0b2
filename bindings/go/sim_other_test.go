//go:build !linux

package bwvoice_test

import "os/exec"

func configureSimulatorProcess(*exec.Cmd) {}
