package mailpit

import "syscall"

// sysProcAttr has the kernel kill Mailpit if the test binary dies without cleaning up.
func sysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
