package host

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/hashicorp/go-hclog"

	"github.com/easelhq/easel/internal/testwait"
	"github.com/easelhq/easel/plugins"
)

// holdEnv makes the test binary act as an easel that starts the fake
// provider, prints the provider's pid and waits to be killed.
const holdEnv = "EASEL_TEST_HOLD_PROVIDER"

func holdProvider() {
	h := New(Options{Executable: os.Args[0], Builtins: []string{"fake"}, Env: []string{serveEnv + "=1"},
		Logger: hclog.NewNullLogger()})
	p, err := h.Start(context.Background(), "fake")
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println(providerPid(p))
	select {}
}

func providerPid(p plugins.Provider) int {
	return p.(*provider).client.ReattachConfig().Pid
}

// running reports whether pid is a live process: not gone, and not a
// zombie left for a parent to reap.
func running(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// pid (comm) STATE ...: the state follows the last ')'.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

// An easel killed outright (SIGKILL, the OOM killer) takes its providers
// with it: none is left running, holding its connections to a vendor.
func TestProviderDiesWithEasel(t *testing.T) {
	t.Parallel()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), holdEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the provider's pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatalf("the helper said %q", line)
	}
	if !running(pid) {
		t.Fatalf("provider %d is not running while its easel is", pid)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, fmt.Sprintf("provider %d to die with its easel", pid), func() bool { return !running(pid) })
}

// With ReapInBackground, Close returns once the provider acknowledged
// Stop, and the process still ends.
func TestCloseReapsInBackground(t *testing.T) {
	t.Parallel()
	opts, _ := testOptions(t, nil)
	opts.ReapInBackground = true
	h := newTestHost(t, opts)
	p := startProvider(t, h, "fake")
	pid := providerPid(p)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	testwait.Until(t, fmt.Sprintf("provider %d to exit after Close", pid), func() bool { return !running(pid) })
	if _, err := p.GetSchema(testContext(t)); err == nil {
		t.Error("GetSchema on a closed provider succeeded")
	}
}

// A third-party provider is still waited for: its user may replace its
// binary as soon as easel exits, and a running binary cannot be written.
func TestCloseWaitsForThirdPartyProvider(t *testing.T) {
	t.Parallel()
	opts, _ := testOptions(t, nil)
	opts.ReapInBackground = true
	installProvider(t, filepath.Join(opts.ProjectDir, ".easel", "plugins"), "thirdparty")
	opts.Pins = map[string]string{"thirdparty": testBinarySum(t)}
	p := startProvider(t, newTestHost(t, opts), "thirdparty")
	pid := providerPid(p)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if running(pid) {
		t.Errorf("third-party provider %d still running after Close returned", pid)
	}
}
