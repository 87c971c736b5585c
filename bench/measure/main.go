// Command measure runs a command and reports, on stderr, what GNU time's
// -f 'TIME %e %M %U %S' would: "TIME wall-seconds peak-RSS-KiB
// user-seconds system-seconds". Unlike time, it is a child subreaper
// (Linux): a process the command leaves running when it exits, such as a
// provider easel does not wait for, is adopted and waited for here, and
// its CPU time and memory are counted. The wall time is the command's
// own, up to its exit.
//
//	go run ./bench/measure easel apply ...
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"time"
)

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER from linux/prctl.h.
const prSetChildSubreaper = 36

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: measure COMMAND [ARG...]")
		os.Exit(2)
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		fmt.Fprintln(os.Stderr, "measure: becoming a child subreaper:", errno)
		os.Exit(2)
	}
	cmd := exec.Command(os.Args[1], os.Args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "measure:", err)
		os.Exit(2)
	}
	err := cmd.Wait()
	wall := time.Since(start)
	// Adopted orphans: wait for each, so that their usage is counted.
	for {
		var ws syscall.WaitStatus
		if _, werr := syscall.Wait4(-1, &ws, 0, nil); errors.Is(werr, syscall.ECHILD) {
			break
		}
	}
	var ru syscall.Rusage
	if rerr := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru); rerr != nil {
		fmt.Fprintln(os.Stderr, "measure:", rerr)
		os.Exit(2)
	}
	seconds := func(tv syscall.Timeval) float64 { return float64(tv.Sec) + float64(tv.Usec)/1e6 }
	fmt.Fprintf(os.Stderr, "TIME %.3f %d %.2f %.2f\n", wall.Seconds(), ru.Maxrss, seconds(ru.Utime), seconds(ru.Stime))
	code := 0
	if exit, ok := errors.AsType[*exec.ExitError](err); ok {
		code = exit.ExitCode()
	} else if err != nil {
		code = 2
	}
	os.Exit(code)
}
