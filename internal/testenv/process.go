package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

const (
	// readyTimeout bounds how long a server we started may take to accept connections.
	readyTimeout = 30 * time.Second
	// stopTimeout bounds a graceful shutdown before the server is killed.
	stopTimeout = 30 * time.Second
	// probeTimeout bounds a check whether a server answers; something else may be
	// listening on its port and never reply.
	probeTimeout = 5 * time.Second
	// opTimeout bounds single administrative operations (CREATE DATABASE, key cleanup, ...).
	opTimeout = 30 * time.Second
	// pollInterval is short because startup usually takes well under a second.
	pollInterval = 20 * time.Millisecond
	// logTailBytes is how much of a server log is quoted when the server fails to start.
	logTailBytes = 2048
)

// errPortInUse reports that another program took the port between our probe and the server's bind.
var errPortInUse = errors.New("port already in use")

// process is a server we started. A goroutine reaps it, so that its exit can be
// awaited with a timeout and checked without blocking.
type process struct {
	cmd     *exec.Cmd
	logPath string
	done    chan struct{}
	err     error // result of cmd.Wait, valid once done is closed
}

// startProcess starts cmd with its output appended to logPath. deathSig is sent to
// the server if this process dies (Linux only), so that a crashed test run does not
// leave servers behind. The server gets its own process group, so that a terminal's
// Ctrl-C reaches our shutdown code rather than killing the server under a running test.
func startProcess(cmd *exec.Cmd, logPath string, cred *syscall.Credential, deathSig syscall.Signal) (*process, error) {
	logFile, err := os.OpenFile(logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	// The child keeps its own copy of the descriptor.
	defer logFile.Close()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr(cred, deathSig)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &process{cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// signal sends sig to the server process only; os.Process is safe against pid reuse.
func (p *process) signal(sig syscall.Signal) error {
	err := p.cmd.Process.Signal(sig)
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	return err
}

// signalTree sends sig to the server and all its descendants (PostgreSQL backends
// call setsid, so process groups cannot be used). The root is stopped while the
// descendants are listed, so that it cannot fork children we would miss and its
// children are not re-parented away from it if sig kills it.
func (p *process) signalTree(sig syscall.Signal) error {
	if p.exited() {
		return nil
	}
	if err := p.signal(syscall.SIGSTOP); err != nil {
		return err
	}
	pids, err := descendants(p.cmd.Process.Pid)
	errs := []error{err}
	for _, pid := range pids {
		if err := syscall.Kill(pid, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("signal %d: %w", pid, err))
		}
	}
	// The root gets sig and is resumed even if its descendants could not all be
	// signalled, so that a failure does not leave it stopped.
	errs = append(errs, p.signal(sig))
	if sig != syscall.SIGSTOP {
		errs = append(errs, p.signal(syscall.SIGCONT))
	}
	return errors.Join(errs...)
}

// stop asks the server to exit with request and waits for it. The tree is resumed
// first because a paused server cannot act on the request. A server that does not
// exit within timeout is killed.
func (p *process) stop(request func() error, timeout time.Duration) error {
	if p.exited() {
		return nil
	}
	resumeErr := p.signalTree(syscall.SIGCONT)
	requestErr := request()
	select {
	case <-p.done:
		return nil
	case <-time.After(timeout):
	}
	killErr := p.signalTree(syscall.SIGKILL)
	<-p.done
	return errors.Join(fmt.Errorf("server did not exit within %s; killed it", timeout), resumeErr, requestErr, killErr)
}

// stopWithSignal stops the server by sending it sig.
func (p *process) stopWithSignal(sig syscall.Signal, timeout time.Duration) error {
	return p.stop(func() error { return p.signal(sig) }, timeout)
}

// waitReady polls check until it succeeds, ctx ends, readyTimeout passes or the
// server exits. An early exit is reported with the end of the server log.
func (p *process) waitReady(ctx context.Context, check func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	for {
		attemptCtx, cancelAttempt := context.WithTimeout(ctx, time.Second)
		err := check(attemptCtx)
		cancelAttempt()
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			return p.exitError()
		case <-ctx.Done():
			return fmt.Errorf("server not ready: %w (last attempt: %v)", ctx.Err(), err)
		case <-time.After(pollInterval):
		}
	}
}

func (p *process) exitError() error {
	tail := p.logTail()
	err := fmt.Errorf("server exited before accepting connections (%v); log %s ends with:\n%s", p.err, p.logPath, tail)
	// PostgreSQL and Redis say "Address already in use", Go servers "address already in use".
	if strings.Contains(strings.ToLower(tail), "address already in use") {
		return fmt.Errorf("%w: %w", errPortInUse, err)
	}
	return err
}

func (p *process) logTail() string {
	b, err := os.ReadFile(p.logPath)
	if err != nil {
		return err.Error()
	}
	if len(b) > logTailBytes {
		b = b[len(b)-logTailBytes:]
	}
	return string(b)
}

// startOnFreePort picks a free loopback port and calls start with it, retrying with
// another port if a different program grabbed it before the server could bind it.
func startOnFreePort(start func(port int) error) (int, error) {
	var err error
	for range 3 {
		var port int
		if port, err = freePort(); err != nil {
			return 0, err
		}
		if err = start(port); !errors.Is(err, errPortInUse) {
			return port, err
		}
	}
	return 0, err
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// descendants lists the pids below root, children before grandchildren.
func descendants(root int) ([]int, error) {
	children, err := childrenByParent()
	if err != nil {
		return nil, err
	}
	var pids []int
	queue := []int{root}
	for len(queue) > 0 {
		kids := children[queue[0]]
		queue = append(queue[1:], kids...)
		pids = append(pids, kids...)
	}
	return pids, nil
}

func randomHex() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b)
}

// opContext bounds an administrative operation that must not depend on a test's
// context, which is already cancelled when cleanups run.
func opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), opTimeout)
}
