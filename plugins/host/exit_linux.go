package host

import (
	"os/exec"
	"syscall"
)

// dieWithEasel has the kernel kill the process when the thread that starts
// it ends (Pdeathsig). launch starts it from a thread held until the
// process is gone, so that is when easel itself exits, however it ends:
// a provider never outlives easel. It reports whether it could.
func dieWithEasel(cmd *exec.Cmd) bool {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	return true
}
