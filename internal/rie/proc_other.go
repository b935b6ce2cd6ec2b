//go:build unix && !linux

package rie

import "syscall"

// sysProcAttr puts the emulator in its own process group, so that Stop ends everything it started.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
	_ = syscall.Kill(pid, syscall.SIGKILL)
}

// descendants is only implemented on Linux, the one platform the emulator runs on.
func descendants(int) []int { return nil }

func alive(pid int) bool { return syscall.Kill(pid, 0) == nil }
