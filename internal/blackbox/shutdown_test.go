package blackbox

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// On SIGTERM the app stops accepting connections, finishes what is in flight
// (argon2 logins queued for a hashing slot; requests whose bodies are still
// arriving, whose handlers then query, write and render during the shutdown), and
// exits 0 well within 15 s.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	const logins = 10 // two hashing slots: a queue of logins in flight when SIGTERM comes
	b := sharedBackends(t)
	// A request deadline that the queue fits on a loaded machine (with the
	// default 1.5 s a slow run answered the last logins 503, which is about
	// load, not shutdown).
	a := startApp(t, b, map[string]string{"SEED_DEMO": "true", "LOGIN_IP_LIMIT": "1000/3m", "REQUEST_TIMEOUT": "8s"})
	seller, email := newUser(t, a)
	seller.get("/products/new")

	// Requests whose bodies are half sent: their handlers run after SIGTERM.
	guest := newClient(t, a)
	guest.get("/login")
	slow := []*halfSent{
		sendHalf(t, a, guest, "/login", url.Values{"_csrf": {guest.csrf}, "email": {email}, "password": {"wrong password 123"}}),
		sendHalf(t, a, seller, "/products", url.Values{"_csrf": {seller.csrf}, "name": {"Shutdown lamp"}, "description": {"x"}, "price": {"5"}}),
	}
	wantSlow := []int{http.StatusUnprocessableEntity, http.StatusSeeOther}

	// Clients holding a login form.
	forms := make([]*client, logins)
	for i := range forms {
		forms[i] = newClient(t, a)
		forms[i].get("/login")
	}
	type result struct {
		status int
		err    error
	}
	results := make(chan result, logins)
	for _, c := range forms {
		go func() {
			r, err := c.try(http.MethodPost, "/login", stringsReader(url.Values{"_csrf": {c.csrf}, "email": {email}, "password": {testPassword}}),
				http.Header{"Content-Type": {"application/x-www-form-urlencoded"}})
			if err != nil {
				results <- result{0, err}
				return
			}
			if strings.Contains(r.Body, "context canceled") {
				err = errors.New("body mentions context canceled")
			}
			results <- result{r.Status, err}
		}()
	}
	// Two hashing slots: when the first login is answered, the others are queued
	// in the server. (A request still in the listen backlog is not in flight: a
	// load balancer would have stopped sending before.)
	first := <-results
	signalled := time.Now()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	results <- first

	// New connections are refused while the half-sent requests are still open.
	refused := false
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", a.addr, time.Second)
		if err != nil {
			refused = true
			break
		}
		c.Close()
	}
	if !refused {
		t.Errorf("still accepting connections 5 s after SIGTERM")
	}
	failed := 0
	for i, h := range slow {
		r, err := h.finish()
		if err != nil || r.Status != wantSlow[i] || strings.Contains(r.Body, "context canceled") {
			failed++
			t.Errorf("in-flight %s with a slow body: %v %v, want %d", h.path, r, err, wantSlow[i])
		}
	}
	for i := 0; i < logins; i++ {
		r := <-results
		if r.err != nil || r.status != http.StatusSeeOther {
			failed++
			t.Errorf("in-flight login during shutdown: %d %v, want 303", r.status, r.err)
		}
	}
	select {
	case <-a.done:
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15 s after SIGTERM")
	}
	took := time.Since(signalled)
	if a.err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0", a.err)
	}
	lines := a.logs.all()
	for i, line := range lines {
		if strings.Contains(line, "shutting down") {
			lines = lines[i:]
			break
		}
	}
	for _, line := range lines {
		if strings.Contains(line, "context canceled") || strings.Contains(line, `"level":"ERROR"`) {
			t.Errorf("log during shutdown: %s", line)
		}
	}
	if len(a.logs.records(map[string]any{"msg": "stopped"})) != 1 {
		t.Errorf("no 'stopped' log line")
	}
	if n := countRows(t, openSQL(t, b.DatabaseURL), `SELECT count(*) FROM products WHERE name = 'Shutdown lamp'`); n != 1 {
		t.Errorf("product created during shutdown: %d rows, want 1", n)
	}
	t.Logf("SIGTERM with %d requests in flight: %d failed, new connections refused: %v, exit 0 after %v",
		logins-1+len(slow), failed, refused, took.Round(time.Millisecond))
}

// halfSent is a POST whose body has been sent only in part.
type halfSent struct {
	path string
	conn net.Conn
	rest string
}

func sendHalf(t *testing.T, a *app, c *client, path string, form url.Values) *halfSent {
	t.Helper()
	body := form.Encode()
	conn, err := net.DialTimeout("tcp", a.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	half := len(body) / 2
	if _, err := io.WriteString(conn, "POST "+path+" HTTP/1.1\r\nHost: "+a.addr+"\r\nCookie: "+c.cookieHeader()+
		"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"+body[:half]); err != nil {
		t.Fatal(err)
	}
	return &halfSent{path: path, conn: conn, rest: body[half:]}
}

// finish sends the rest of the body and reads the response.
func (h *halfSent) finish() (*response, error) {
	if _, err := io.WriteString(h.conn, h.rest); err != nil {
		return nil, err
	}
	res, err := http.ReadResponse(bufio.NewReader(h.conn), nil)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: string(b)}, err
}

// With SHUTDOWN_DRAIN set, SIGTERM first turns /readyz to 503 while pages are
// still served, so a load balancer can stop sending before the listener closes.
func TestShutdownDrainsReadiness(t *testing.T) {
	t.Parallel()
	const drain = 5 * time.Second
	a := startApp(t, sharedBackends(t), map[string]string{"SHUTDOWN_DRAIN": drain.String()})
	c := newClient(t, a)
	if r := c.get("/readyz"); r.Status != http.StatusOK {
		t.Fatalf("/readyz before SIGTERM: %d", r.Status)
	}
	signalled := time.Now()
	if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for {
		r := newClient(t, a).get("/readyz")
		if r.Status == http.StatusServiceUnavailable {
			if !strings.Contains(r.Body, "shutting down") {
				t.Errorf("/readyz while draining: %s", r.Body)
			}
			break
		}
		if time.Since(signalled) > drain {
			t.Fatalf("/readyz still %d %v after SIGTERM", r.Status, time.Since(signalled))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := newClient(t, a).get("/products"); r.Status != http.StatusOK {
		t.Errorf("GET /products while draining: %d, want 200", r.Status)
	}
	if elapsed := time.Since(signalled); elapsed >= drain {
		t.Fatalf("checks took %v, longer than the drain %v: inconclusive", elapsed, drain)
	}
	select {
	case <-a.done:
	case <-time.After(drain + 15*time.Second):
		t.Fatalf("still running %v after SIGTERM", drain+15*time.Second)
	}
	if a.err != nil {
		t.Errorf("exit after SIGTERM: %v, want status 0", a.err)
	}
	t.Logf("SIGTERM with a %v drain: /readyz 503 at once, pages served, exit 0 after %v", drain, time.Since(signalled).Round(time.Millisecond))
}

// A second SIGTERM or SIGINT during the drain ends it at once: the app then
// finishes as after any drain and exits 0. The drain is an hour, so an app that
// ignores the second signal fails the bounded wait below by a wide margin.
func TestSecondSignalCutsDrainShort(t *testing.T) {
	t.Parallel()
	for _, second := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(second.String(), func(t *testing.T) {
			t.Parallel()
			a := startApp(t, sharedBackends(t), map[string]string{"SHUTDOWN_DRAIN": "1h"})
			if err := a.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			// Wait until the drain has begun, so the two signals stay two.
			for deadline := time.Now().Add(15 * time.Second); len(a.logs.records(map[string]any{"msg": "shutting down: draining"})) == 0; {
				if time.Now().After(deadline) {
					t.Fatalf("no draining line 15 s after SIGTERM")
				}
				time.Sleep(20 * time.Millisecond)
			}
			if r := newClient(t, a).get("/readyz"); r.Status != http.StatusServiceUnavailable {
				t.Errorf("/readyz while draining: %d, want 503", r.Status)
			}
			took, err := a.stop(second, 30*time.Second)
			if err != nil {
				t.Fatalf("after a second signal (%v) during a 1 h drain: %v", second, err)
			}
			if len(a.logs.records(map[string]any{"msg": "shutting down: second signal, drain cut short"})) != 1 ||
				len(a.logs.records(map[string]any{"msg": "stopped"})) != 1 {
				t.Errorf("want a 'drain cut short' and a 'stopped' line:\n%s", a.logs.tail(10))
			}
			t.Logf("second signal (%v) during a 1 h drain: exit 0 after %v", second, took.Round(time.Millisecond))
		})
	}
}
