package blackbox

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// sessionCookie is the session cookie's name in production (COOKIE_SECURE on);
// guestCookie holds a guest's form token and after-login page.
const (
	sessionCookie = "__Host-sid"
	guestCookie   = "__Host-guest"
)

// client is a browser-like HTTP client that keeps its cookies itself (no jar: a
// jar would drop Secure cookies over http:// and could not replay stale ones), never
// follows redirects, and can present itself from any 127.0.0.0/8 address.
type client struct {
	t       *testing.T
	base    string
	hc      *http.Client
	cookies map[string]string
	csrf    string      // the last csrf-token meta seen
	header  http.Header // sent with every request
}

// newClient returns a client of a, connecting from 127.0.0.1.
func newClient(t *testing.T, a *app) *client { return newClientFrom(t, a.base, "127.0.0.1") }

// newClientFrom returns a client of base whose connections come from localIP.
func newClientFrom(t *testing.T, base, localIP string) *client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(localIP)}}
	tr := &http.Transport{DialContext: dialer.DialContext, MaxIdleConnsPerHost: 8, DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &client{
		t:    t,
		base: base,
		hc: &http.Client{
			Transport:     tr,
			Timeout:       20 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		cookies: map[string]string{},
		header:  http.Header{},
	}
}

// clone is another browser tab of the same browser, from now on: the same
// cookies and token, kept apart from the original's.
func (c *client) clone() *client {
	d := *c
	d.cookies = make(map[string]string, len(c.cookies))
	for k, v := range c.cookies {
		d.cookies[k] = v
	}
	d.header = c.header.Clone()
	return &d
}

// response is what a request got back, read in full.
type response struct {
	Status  int
	Header  http.Header
	Body    string
	Elapsed time.Duration
}

func (r *response) location() string { return r.Header.Get("Location") }

// request sends one request. body may be nil; hdr adds or overrides headers.
func (c *client) request(method, path string, body io.Reader, hdr http.Header) *response {
	c.t.Helper()
	res, err := c.try(method, path, body, hdr)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return res
}

// try is request without failing the test on a transport error.
func (c *client) try(method, path string, body io.Reader, hdr http.Header) (*response, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	for k, v := range c.header {
		req.Header[k] = v
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if len(c.cookies) > 0 && req.Header.Get("Cookie") == "" {
		req.Header.Set("Cookie", c.cookieHeader())
	}
	if h := req.Header.Get("Host"); h != "" { // Go sends req.Host, not a Host header
		req.Host = h
		req.Header.Del("Host")
	}
	start := time.Now()
	res, err := c.hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	r := &response{Status: res.StatusCode, Header: res.Header, Body: string(b), Elapsed: time.Since(start)}
	for _, ck := range res.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck.Value
		}
	}
	if tok := csrfMeta(r.Body); tok != "" {
		c.csrf = tok
	}
	return r, nil
}

func (c *client) get(path string) *response { return c.request(http.MethodGet, path, nil, nil) }

// post sends a form. It does not add the CSRF token: callers say what they send.
func (c *client) post(path string, form url.Values, hdr http.Header) *response {
	c.t.Helper()
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for k, v := range hdr {
		h[k] = v
	}
	return c.request(http.MethodPost, path, strings.NewReader(form.Encode()), h)
}

// postWithToken sends a form with the CSRF token of the last page seen.
func (c *client) postWithToken(path string, form url.Values) *response {
	c.t.Helper()
	f := url.Values{"_csrf": {c.csrf}}
	for k, v := range form {
		f[k] = v
	}
	return c.post(path, f, nil)
}

func (c *client) session() string { return c.cookies[sessionCookie] }

// cookieHeader is the Cookie header the client sends: every cookie it holds (the
// session, a guest form's token, a flash), as a browser would.
func (c *client) cookieHeader() string {
	var parts []string
	for k, v := range c.cookies {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}

// loginAttempt loads the login page (for its token) and submits the form.
func (c *client) loginAttempt(email, password string) *response {
	c.t.Helper()
	if r := c.get("/login"); r.Status != http.StatusOK {
		c.t.Fatalf("GET /login: %d", r.Status)
	}
	return c.postWithToken("/login", url.Values{"email": {email}, "password": {password}})
}

// login signs in and fails the test unless it worked.
func (c *client) login(email, password string) {
	c.t.Helper()
	r := c.loginAttempt(email, password)
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: status %d, want 303\n%s", email, r.Status, r.Body)
	}
}

// signup creates an account (and signs in) and fails the test unless it worked.
func (c *client) signup(email, password string) {
	c.t.Helper()
	if r := c.get("/signup"); r.Status != http.StatusOK {
		c.t.Fatalf("GET /signup: %d", r.Status)
	}
	r := c.postWithToken("/signup", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("signup %s: status %d, want 303\n%s", email, r.Status, r.Body)
	}
}

// newUser signs up a fresh account from 127.0.0.1 and returns a signed-in client.
func newUser(t *testing.T, a *app) (*client, string) {
	t.Helper()
	c := newClient(t, a)
	email := "u" + randomHex(6) + "@example.com"
	c.signup(email, testPassword)
	return c, email
}

const testPassword = "correct horse battery staple"

func csrfMeta(body string) string {
	if !strings.Contains(body, "csrf-token") {
		return ""
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		return ""
	}
	v, _ := doc.Find(`meta[name="csrf-token"]`).Attr("content")
	return v
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// leakMarkers are fragments of internal error text that must never reach a client.
var leakMarkers = []string{"dial tcp", "SQLSTATE", "redis:", "pq:", "pgx", "pgconn", "goroutine ", "panic",
	"connection refused", "i/o timeout", "context deadline", "context canceled", ".go:", "runtime/", "bun:",
	"sessions:", "throttle:", "ERROR:"}

// assertNoLeak fails if the response shows internal error details.
func assertNoLeak(t *testing.T, what string, r *response) {
	t.Helper()
	for _, m := range leakMarkers {
		if strings.Contains(r.Body, m) {
			t.Errorf("%s: body leaks %q:\n%s", what, m, r.Body)
		}
		for k, vs := range r.Header {
			for _, v := range vs {
				if strings.Contains(v, m) {
					t.Errorf("%s: header %s leaks %q: %s", what, k, m, v)
				}
			}
		}
	}
}

func stringsReader(form url.Values) io.Reader { return strings.NewReader(form.Encode()) }

// drain reads and closes a body so that its connection can be reused.
func drain(res *http.Response) {
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
}
