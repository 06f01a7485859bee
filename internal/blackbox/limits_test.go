package blackbox

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Request size and slow-client limits. One app runs with a 1 s read timeout,
// another with a 1 s idle timeout (each with the other timeout long, so each
// test sees only its own), so that cutting off a slow client is quick to observe.
func TestRequestLimits(t *testing.T) {
	t.Parallel()
	const readTimeout, idleTimeout = time.Second, time.Second
	b := sharedBackends(t)
	a := startApp(t, b, map[string]string{"READ_TIMEOUT": readTimeout.String(), "IDLE_TIMEOUT": "1m"})
	idle := startApp(t, b, map[string]string{"READ_TIMEOUT": "1m", "IDLE_TIMEOUT": idleTimeout.String()})

	t.Run("body over 1 MiB", func(t *testing.T) {
		t.Parallel()
		c := newClient(t, a)
		c.get("/login")
		for _, path := range []string{"/login", "/signup", "/products", "/logout"} {
			res := rawResponse(t, a.addr, "POST "+path+" HTTP/1.1\r\nHost: "+a.addr+"\r\nCookie: "+c.cookieHeader()+
				"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "+strconv.Itoa(1<<20+1)+"\r\n\r\n")
			if res.Status != http.StatusRequestEntityTooLarge {
				t.Errorf("POST %s with 1 MiB + 1 byte: %d, want 413", path, res.Status)
				continue
			}
			if !strings.Contains(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(res.Body, "Request too large") {
				t.Errorf("POST %s 413: want a readable page, got %q:\n%.300s", path, res.Header.Get("Content-Type"), res.Body)
			}
			assertNoLeak(t, "413 page", res)
		}
		// Just under the limit is an ordinary request (here: a wrong password).
		pad := strings.Repeat("x", 1<<20-200)
		r := c.post("/login", url.Values{"_csrf": {c.csrf}, "email": {"a@example.com"}, "password": {"wrong password 123"}, "pad": {pad}}, nil)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("POST /login just under 1 MiB: %d, want 422", r.Status)
		}
	})

	// A client that sends its headers one byte at a time (slowloris) is cut off
	// by the read timeout, long before it would finish.
	t.Run("slow headers", func(t *testing.T) {
		t.Parallel()
		took := trickle(t, a.addr, "GET /products HTTP/1.1\r\nHost: x\r\nX-Slow: "+strings.Repeat("a", 200)+"\r\n\r\n", readTimeout)
		t.Logf("slow headers (a byte per 100 ms): cut off after %v (read timeout %v)", took.Round(10*time.Millisecond), readTimeout)
	})
	t.Run("slow body", func(t *testing.T) {
		t.Parallel()
		took := trickle(t, a.addr, "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: 200\r\n\r\n"+strings.Repeat("a", 200), readTimeout)
		t.Logf("slow body: cut off after %v", took.Round(10*time.Millisecond))
	})

	// An idle keep-alive connection is closed by the idle timeout.
	t.Run("idle keep-alive", func(t *testing.T) {
		t.Parallel()
		conn, err := net.DialTimeout("tcp", idle.addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(15 * time.Second))
		if _, err := io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		start := time.Now()
		if _, err := br.ReadByte(); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("idle connection not closed by the server (%v)", err)
		}
		t.Logf("idle keep-alive connection closed after %v (idle timeout %v)", time.Since(start).Round(10*time.Millisecond), idleTimeout)
	})
}

// trickle sends msg a byte per 100 ms while watching for the server to give up;
// it fails unless the server closes the connection (or answers 408) before the
// message is complete, and returns how long that took.
func trickle(t *testing.T, addr, msg string, readTimeout time.Duration) time.Duration {
	t.Helper()
	const gap = 100 * time.Millisecond
	if time.Duration(len(msg))*gap < 5*readTimeout {
		t.Fatalf("message too short to outlast the read timeout")
	}
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	type ending struct {
		took     time.Duration
		timedOut bool // our own deadline passed: the server never gave up
	}
	closed := make(chan ending, 1)
	go func() {
		_ = conn.SetReadDeadline(time.Now().Add(time.Duration(len(msg)+10) * gap))
		b, err := io.ReadAll(conn) // until the server closes (or the deadline)
		if len(b) > 0 && !strings.HasPrefix(string(b), "HTTP/1.1 408") {
			t.Errorf("server answered a partial request: %.100q", b)
		}
		closed <- ending{time.Since(start), errors.Is(err, os.ErrDeadlineExceeded)}
	}()
	for i := 0; i < len(msg)-1; i++ { // never the last byte: the request stays incomplete
		select {
		case e := <-closed:
			if e.timedOut {
				t.Fatalf("connection not closed by the server")
			}
			return e.took
		case <-time.After(gap):
		}
		if _, err := conn.Write([]byte{msg[i]}); err != nil {
			e := <-closed
			return e.took
		}
	}
	e := <-closed
	if e.timedOut {
		t.Fatalf("server still reading after %v of trickled bytes (read timeout %v)", time.Since(start), readTimeout)
	}
	return e.took
}

// rawResponse writes req on a new connection and reads one response.
func rawResponse(t *testing.T, addr, req string) *response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &response{Status: res.StatusCode, Header: res.Header, Body: string(b)}
}
