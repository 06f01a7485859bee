package blackbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Every request leaves one access-log line with its request id, including the
// ones fasthttp refuses before any handler runs (413, 431). The query string is
// logged with the values of sensitive parameters redacted and capped at 200
// bytes. Health probes and static files log at debug, pages at info.
func TestRequestLog(t *testing.T) {
	t.Parallel()
	a := startApp(t, sharedBackends(t), map[string]string{"LOG_LEVEL": "debug"})
	c := newClient(t, a)
	c.get("/login")

	t.Run("413 body too large", func(t *testing.T) {
		res := rawResponse(t, a.addr, "POST /login?from=limits HTTP/1.1\r\nHost: "+a.addr+"\r\nCookie: "+sessionCookie+"="+c.session()+
			"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "+strconv.Itoa(1<<20+1)+"\r\n\r\n")
		if res.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", res.Status)
		}
		rec := requestRecord(t, a, res)
		want := map[string]any{"level": "INFO", "method": "POST", "path": "/login", "query": "from=limits", "status": 413.0}
		for k, v := range want {
			if rec[k] != v {
				t.Errorf("413 log line: %s = %#v, want %#v (%v)", k, rec[k], v, rec)
			}
		}
		if res.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("413 page without the security headers")
		}
	})

	t.Run("431 headers too large", func(t *testing.T) {
		res := rawResponse(t, a.addr, "GET /products HTTP/1.1\r\nHost: "+a.addr+"\r\nX-Padding: "+strings.Repeat("a", 4200)+"\r\n\r\n")
		if res.Status != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("status %d, want 431", res.Status)
		}
		rec := requestRecord(t, a, res)
		if rec["level"] != "INFO" || rec["status"] != 431.0 {
			t.Errorf("431 log line: %v", rec)
		}
	})

	t.Run("query string", func(t *testing.T) {
		secrets := url.Values{
			"token": {"SECRET-1"}, "password": {"SECRET-2"}, "next": {"/account?token=SECRET-3"}, "email": {"SECRET-4@example.com"},
			"_csrf": {"SECRET-5"}, "reset_token": {"SECRET-6"}, "Password": {"SECRET-7"},
		}
		raw := "page=2&" + secrets.Encode() + "&%74oken=SECRET-8;session=SECRET-9&pad=" + strings.Repeat("x", 300)
		res := c.get("/products?" + raw)
		rec := requestRecord(t, a, res)
		q, _ := rec["query"].(string)
		if rec["level"] != "INFO" || rec["path"] != "/products" || !strings.HasPrefix(q, "page=2&") {
			t.Errorf("log line of GET /products?%.40s...: %v", raw, rec)
		}
		if strings.Contains(q, "SECRET") {
			t.Errorf("a sensitive value is logged: %s", q)
		}
		for _, name := range []string{"token", "password", "next", "email", "_csrf", "reset_token", "Password", "%74oken", "session"} {
			if !strings.Contains(q, name+"=REDACTED") {
				t.Errorf("%s not shown as redacted: %s", name, q)
			}
		}
		if len(q) > 200 || !strings.HasSuffix(q, "...") {
			t.Errorf("query logged in %d bytes, want at most 200 ending in ...: %s", len(q), q)
		}
	})

	t.Run("probes and assets at debug", func(t *testing.T) {
		for _, path := range []string{"/healthz", "/readyz", "/assets/app.css", "/assets/htmx.min.js?v=1", "/favicon.ico"} {
			res := newClient(t, a).get(path)
			if rec := requestRecord(t, a, res); rec["level"] != "DEBUG" {
				t.Errorf("GET %s (%d) logged at %v, want DEBUG", path, res.Status, rec["level"])
			}
		}
		if rec := requestRecord(t, a, newClient(t, a).get("/products/999999")); rec["level"] != "INFO" || rec["status"] != 404.0 {
			t.Errorf("GET /products/999999 logged as %v, want INFO 404", rec)
		}
	})
}

// requestRecord waits (briefly: the line is written as the response is sent)
// for the one access-log line of the request that got res.
func requestRecord(t *testing.T, a *app, res *response) map[string]any {
	t.Helper()
	rid := res.Header.Get("X-Request-Id")
	if rid == "" {
		t.Fatalf("response %d has no X-Request-Id", res.Status)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		recs := a.logs.records(map[string]any{"msg": "request", "rid": rid})
		if len(recs) == 1 {
			return recs[0]
		}
		if len(recs) > 1 || time.Now().After(deadline) {
			t.Fatalf("%d access-log lines for request %s (status %d), want 1: %v", len(recs), rid, res.Status, recs)
		}
	}
}
