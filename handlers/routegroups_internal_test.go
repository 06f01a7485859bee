package handlers

import (
	"bufio"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/storefront/storefront/assets"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/services"
)

// groupProbe is what a test route saw of its request.
type groupProbe struct {
	ran       bool
	bodyBytes int
	deadline  time.Duration // left of the request's deadline when the handler ran
	hadCookie bool          // the session middleware saw the session cookie
}

func (p *groupProbe) handler(c *fiber.Ctx) error {
	p.ran = true
	p.bodyBytes = len(c.Body())
	if dl, ok := c.UserContext().Deadline(); ok {
		p.deadline = time.Until(dl)
	}
	p.hadCookie = state(c).hadCookie
	return c.SendStatus(http.StatusNoContent)
}

// testSignature stands in for a provider's verifier: only a request that says
// "signed" gets through.
func testSignature(c *fiber.Ctx) error {
	if c.Get("X-Test-Signature") != "signed" {
		return forbidden("The signature does not match.")
	}
	return c.Next()
}

// groupsApp serves the real app (NewApp's steps, with real sessions kept in
// memory) plus one test-only route in each route group, on a local port: a
// refused body ends the connection, which app.Test cannot report.
func groupsApp(t *testing.T) (addr string, page, upload, hook *groupProbe) {
	t.Helper()
	page, upload, hook = &groupProbe{}, &groupProbe{}, &groupProbe{}
	s, err := newSite(Deps{
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Sessions: services.NewSessions(services.NewMemorySessionStore(), 30*time.Minute, 12*time.Hour),
		Assets:   assets.Files(),
		Config:   Config{CookieSecure: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.routes()
	s.pages.post("/test/page", page.handler)
	s.uploads.post("/test/upload", upload.handler)
	s.webhooks.post("/test/webhook", testSignature, hook.handler)
	app := s.finish()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- app.Listener(ln) }()
	t.Cleanup(func() {
		if err := app.Shutdown(); err != nil {
			t.Error(err)
		}
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	return ln.Addr().String(), page, upload, hook
}

// postBytes posts n zero bytes to path; bodyless, only the headers (with
// Content-Length n) go out, which is enough for the server to refuse a body
// over its limit (and a refusal ends the connection before a body could be sent).
func postBytes(t *testing.T, addr, path string, n int, bodyless bool, header http.Header) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var head strings.Builder
	head.WriteString("POST " + path + " HTTP/1.1\r\nHost: " + addr + "\r\nConnection: close\r\n" +
		"Content-Type: application/octet-stream\r\nContent-Length: " + strconv.Itoa(n) + "\r\n")
	for k, vs := range header {
		for _, v := range vs {
			head.WriteString(k + ": " + v + "\r\n")
		}
	}
	head.WriteString("\r\n")
	if _, err := io.WriteString(conn, head.String()); err != nil {
		t.Fatal(err)
	}
	if !bodyless {
		if _, err := conn.Write(make([]byte, n)); err != nil {
			t.Fatalf("POST %s with %d bytes: %v", path, n, err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("POST %s with %d bytes: %v", path, n, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(body)
}

// Uploads take a larger body than every other route and get a longer deadline;
// a 2 MiB POST to a page route is still a 413, and so is one byte over the
// upload limit. Webhooks run without the session middleware (and so without a
// CSRF token), behind their signature check.
func TestRouteGroupsDifferInBodyLimitDeadlineAndSession(t *testing.T) {
	addr, page, upload, hook := groupsApp(t)
	const twoMiB = 2 << 20

	for _, path := range []string{"/test/page", "/login", "/test/webhook"} {
		resp, body := postBytes(t, addr, path, twoMiB, true, http.Header{"X-Test-Signature": {"signed"}})
		if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "1 MiB at most") {
			t.Errorf("2 MiB POST to %s: %d, want 413 naming 1 MiB\n%.300s", path, resp.StatusCode, body)
		}
	}
	if page.ran || hook.ran {
		t.Fatal("a handler ran for a body over its group's limit")
	}

	resp, body := postBytes(t, addr, "/test/upload", twoMiB, false, nil)
	if resp.StatusCode != http.StatusNoContent || upload.bodyBytes != twoMiB {
		t.Fatalf("2 MiB POST to an upload route: %d, handler saw %d bytes\n%.300s", resp.StatusCode, upload.bodyBytes, body)
	}
	resp, body = postBytes(t, addr, "/test/upload", uploadBodyLimit, false, nil)
	if resp.StatusCode != http.StatusNoContent || upload.bodyBytes != uploadBodyLimit {
		t.Fatalf("POST of the upload limit: %d, handler saw %d bytes\n%.300s", resp.StatusCode, upload.bodyBytes, body)
	}
	upload.ran = false
	resp, body = postBytes(t, addr, "/test/upload", uploadBodyLimit+1, true, nil)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(body, "11 MiB at most") || upload.ran {
		t.Fatalf("one byte over the upload limit: %d (handler ran: %v), want 413 naming 11 MiB\n%.300s", resp.StatusCode, upload.ran, body)
	}

	// Deadlines: the page group's is REQUEST_TIMEOUT (1.5 s by default), the
	// upload group's its own, longer one.
	cookie := http.Header{"Cookie": {"__Host-sid=" + services.NewToken()}, "X-Test-Signature": {"signed"}}
	if resp, body := postBytes(t, addr, "/test/page", 10, false, cookie); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("small POST to the page route: %d\n%.300s", resp.StatusCode, body)
	}
	if page.deadline <= 0 || page.deadline > 1500*time.Millisecond {
		t.Errorf("page route deadline %v, want at most REQUEST_TIMEOUT (1.5s)", page.deadline)
	}
	if resp, _ := postBytes(t, addr, "/test/upload", 10, false, cookie); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("small POST to the upload route: %d", resp.StatusCode)
	}
	if upload.deadline <= 1500*time.Millisecond || upload.deadline > uploadDeadline {
		t.Errorf("upload route deadline %v, want more than REQUEST_TIMEOUT, at most %v", upload.deadline, uploadDeadline)
	}

	// Sessions: pages and uploads look at the session cookie, webhooks never do.
	if !page.hadCookie || !upload.hadCookie {
		t.Errorf("the session middleware did not run on pages (%v) or uploads (%v)", page.hadCookie, upload.hadCookie)
	}
	resp, body = postBytes(t, addr, "/test/webhook", 10, false, cookie)
	if resp.StatusCode != http.StatusNoContent || hook.hadCookie || resp.Header.Get("Set-Cookie") != "" {
		t.Fatalf("signed webhook with a session cookie: %d, session middleware ran: %v, Set-Cookie %q\n%.300s",
			resp.StatusCode, hook.hadCookie, resp.Header.Get("Set-Cookie"), body)
	}
	hook.ran = false
	resp, _ = postBytes(t, addr, "/test/webhook", 10, false, nil)
	if resp.StatusCode != http.StatusForbidden || hook.ran {
		t.Fatalf("unsigned webhook: %d (handler ran: %v), want 403", resp.StatusCode, hook.ran)
	}
}

// The limit is chosen from the headers alone, as fasthttp parses the target
// for the router: only a body-carrying request to an upload route gets more.
func TestBodyLimitsFromHeaders(t *testing.T) {
	limits := &bodyLimits{uploads: newRouteSet(fiber.Config{StrictRouting: true, CaseSensitive: true})}
	limits.addUpload(http.MethodPost, "/products/:id/images")
	upload := fasthttp.RequestConfig{MaxRequestBodySize: uploadBodyLimit, ReadTimeout: uploadReadTimeout}
	for raw, want := range map[string]fasthttp.RequestConfig{
		"POST /products/7/images HTTP/1.1\r\nHost: shop.test\r\n\r\n":                     upload,
		"POST /products/7/images?x=1 HTTP/1.1\r\nHost: shop.test\r\n\r\n":                 upload,
		"POST http://shop.test/products/7/images HTTP/1.1\r\nHost: shop.test\r\n\r\n":     upload,
		"POST /products/7/images/ HTTP/1.1\r\nHost: shop.test\r\n\r\n":                    {},
		"POST /Products/7/images HTTP/1.1\r\nHost: shop.test\r\n\r\n":                     {},
		"PUT /products/7/images HTTP/1.1\r\nHost: shop.test\r\n\r\n":                      {},
		"GET /products/7/images HTTP/1.1\r\nHost: shop.test\r\n\r\n":                      {},
		"POST /products HTTP/1.1\r\nHost: shop.test\r\n\r\n":                              {},
		"POST http://shop.test/login?next=/products/7/images HTTP/1.1\r\nHost: x\r\n\r\n": {},
	} {
		var h fasthttp.RequestHeader
		if err := h.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if got := limits.requestConfig(&h); got != want {
			t.Errorf("%q: %+v, want %+v", strings.SplitN(raw, "\r\n", 2)[0], got, want)
		}
	}
}

// ECONFLICT is a 409 with the service's message; a thing that is not the
// caller's is the same 404 as an unknown one; a CSRF refusal stays a 403.
func TestDescribeCodes(t *testing.T) {
	for name, tc := range map[string]struct {
		err              error
		status           int
		heading, message string
	}{
		"conflict": {models.Conflict("Someone bought the last one."), http.StatusConflict,
			"This changed while you were working on it", "Someone bought the last one."},
		"not yours": {models.NotFound("product"), http.StatusNotFound, "Not found", "We could not find that product."},
		"csrf":      {forbidden("This form has expired."), http.StatusForbidden, "Request refused", "This form has expired."},
		"internal":  {errors.New("boom"), http.StatusInternalServerError, "Something went wrong", models.ErrorMessage(nil)},
	} {
		status, heading, message := describe(tc.err, pageBodyLimit)
		if status != tc.status || heading != tc.heading || message != tc.message {
			t.Errorf("%s: %d %q %q, want %d %q %q", name, status, heading, message, tc.status, tc.heading, tc.message)
		}
	}
}
