package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

// StripeMockKey is a secret key stripe-mock accepts (it checks the form only).
const StripeMockKey = "sk_test_storefront"

// stripeMockServer is stripe-mock, a stateless double of the Stripe API: it
// validates requests against Stripe's OpenAPI spec and answers with fixtures.
type stripeMockServer struct {
	dir  string // holds the log
	port int
	proc *process
}

func newStripeMockServer(ctx context.Context, logf func(string, ...any)) (*stripeMockServer, error) {
	bin, err := toolPath(ctx, stripeMockPkg, logf)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "storefront-stripe-")
	if err != nil {
		return nil, err
	}
	s := &stripeMockServer{dir: dir}
	if _, err := startOnFreePort(func(port int) error {
		s.port = port
		return s.start(ctx, bin)
	}); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, nil
}

func (s *stripeMockServer) start(ctx context.Context, bin string) error {
	// With only -http-addr, stripe-mock still opens HTTPS on its default port
	// 12112 (its main.go turns HTTPS off for -http-port, not -http-addr), so two
	// test runs would collide there: HTTPS goes to a socket in our directory.
	cmd := exec.Command(bin, "-http-addr", s.addr(), "-https-unix", filepath.Join(s.dir, "https.sock"))
	cmd.Dir = s.dir
	p, err := startProcess(cmd, filepath.Join(s.dir, "stripe-mock.log"), nil, syscall.SIGKILL)
	if err != nil {
		return err
	}
	if err := p.waitReady(ctx, s.ready); err != nil {
		return errors.Join(err, p.stopWithSignal(syscall.SIGKILL, stopTimeout))
	}
	s.proc = p
	return nil
}

// ready lists customers, which needs the spec loaded and a key.
func (s *stripeMockServer) ready(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url()+"/v1/customers", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+StripeMockKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /v1/customers: %s", res.Status)
	}
	return nil
}

func (s *stripeMockServer) destroy() error {
	var err error
	if s.proc != nil {
		err = s.proc.stopWithSignal(syscall.SIGTERM, stopTimeout)
		s.proc = nil
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *stripeMockServer) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

func (s *stripeMockServer) url() string { return "http://" + s.addr() }

// StripeMock returns the base URL (http://127.0.0.1:PORT) of a stripe-mock shared
// by the whole test binary, started on first use and stopped by Main. It keeps no
// state, so tests cannot disturb each other; any key of the sk_test_ form, such
// as StripeMockKey, is accepted. The package must use Main.
func StripeMock(tb testing.TB) string {
	tb.Helper()
	requireMain(tb)
	sharedStripeOnce.Do(func() { sharedStripe, sharedStripeErr = newStripeMockServer(context.Background(), tb.Logf) })
	if sharedStripeErr != nil {
		tb.Fatalf("testenv: start stripe-mock: %v", sharedStripeErr)
	}
	return sharedStripe.url()
}
