//go:build unix && !linux

package dynamolocal

import "syscall"

// sysProcAttr puts java in its own process group, so that Stop ends everything it started.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func signalGroup(pid int, sig syscall.Signal) { _ = syscall.Kill(-pid, sig) }
