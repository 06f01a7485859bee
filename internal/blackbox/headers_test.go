package blackbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Security headers on every kind of page, a CSP the pages actually live within,
// HSTS only over HTTPS (as told by a trusted proxy), and no CORS grants.
func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	const proxy = "127.0.0.9"
	b := sharedBackends(t)
	a := startApp(t, b, map[string]string{"TRUSTED_PROXIES": proxy, "SEED_DEMO": "true"})
	user, _ := newUser(t, a)

	pages := map[string]*response{
		"guest GET /":            newClient(t, a).get("/"),
		"guest GET /products/1":  newClient(t, a).get("/products/1"),
		"guest GET /login":       newClient(t, a).get("/login"),
		"guest GET /nope (404)":  newClient(t, a).get("/nope"),
		"user GET /account":      user.get("/account"),
		"user GET /products/new": user.get("/products/new"),
		"GET /readyz":            newClient(t, a).get("/readyz"),
	}
	for what, r := range pages {
		csp := r.Header.Get("Content-Security-Policy")
		for _, d := range []string{"default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
			"base-uri 'none'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, d) {
				t.Errorf("%s: CSP lacks %q: %q", what, d, csp)
			}
		}
		for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "data: 'unsafe", "http:"} {
			if strings.Contains(csp, bad) {
				t.Errorf("%s: CSP allows %q: %q", what, bad, csp)
			}
		}
		want := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}
		for k, v := range want {
			if got := r.Header.Get(k); !strings.EqualFold(got, v) {
				t.Errorf("%s: %s = %q, want %q", what, k, got, v)
			}
		}
		if h := r.Header.Get("Strict-Transport-Security"); h != "" {
			t.Errorf("%s: HSTS over plain HTTP: %q", what, h)
		}
		if strings.Contains(r.Header.Get("Content-Type"), "html") {
			assertLivesWithinCSP(t, what, r.Body)
		}
		assertNoLeak(t, what, r)
	}

	// HTTPS as reported by the trusted proxy gets HSTS; the same claim from anyone else does not.
	https := http.Header{"X-Forwarded-Proto": {"https"}}
	r := newClientFrom(t, a.base, proxy).request(http.MethodGet, "/", nil, https)
	if h := r.Header.Get("Strict-Transport-Security"); !strings.Contains(h, "max-age=31536000") {
		t.Errorf("HTTPS via the trusted proxy: Strict-Transport-Security %q, want max-age of a year", h)
	}
	r = newClient(t, a).request(http.MethodGet, "/", nil, https)
	if h := r.Header.Get("Strict-Transport-Security"); h != "" {
		t.Errorf("X-Forwarded-Proto from an untrusted client: HSTS %q", h)
	}

	// No CORS for other origins, on simple requests and preflights alike.
	evil := http.Header{"Origin": {"http://evil.example"}}
	preflight := http.Header{"Origin": {"http://evil.example"}, "Access-Control-Request-Method": {"POST"},
		"Access-Control-Request-Headers": {"X-CSRF-Token"}}
	for what, r := range map[string]*response{
		"GET / from evil.example":          user.request(http.MethodGet, "/", nil, evil),
		"GET /account from evil.example":   user.request(http.MethodGet, "/account", nil, evil),
		"OPTIONS /products preflight":      user.request(http.MethodOptions, "/products", nil, preflight),
		"OPTIONS /login preflight (guest)": newClient(t, a).request(http.MethodOptions, "/login", nil, preflight),
	} {
		for k := range r.Header {
			if strings.HasPrefix(strings.ToLower(k), "access-control-") {
				t.Errorf("%s: CORS header %s: %q", what, k, r.Header.Get(k))
			}
		}
		if r.Status >= 500 {
			t.Errorf("%s: %d", what, r.Status)
		}
	}
}

// assertLivesWithinCSP checks a page needs nothing the CSP forbids: scripts and
// styles from the app's own paths only, no inline scripts, styles or handlers.
func assertLivesWithinCSP(t *testing.T, what, body string) {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if typ, _ := s.Attr("type"); typ == "application/ld+json" {
			// A data block (schema.org JSON-LD): never executed, outside the CSP's
			// script rules; it must still be valid JSON (no markup broke out of it).
			if !json.Valid([]byte(s.Text())) {
				t.Errorf("%s: JSON-LD block is not valid JSON: %.100s", what, s.Text())
			}
			return
		}
		src, ok := s.Attr("src")
		if !ok || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("%s: inline script: %.100s", what, s.Text())
		} else if !strings.HasPrefix(src, "/") || strings.HasPrefix(src, "//") {
			t.Errorf("%s: script from elsewhere: %s", what, src)
		}
	})
	doc.Find("style").Each(func(_ int, s *goquery.Selection) { t.Errorf("%s: inline <style>", what) })
	doc.Find(`link[rel="stylesheet"]`).Each(func(_ int, s *goquery.Selection) {
		if href, _ := s.Attr("href"); !strings.HasPrefix(href, "/") || strings.HasPrefix(href, "//") {
			t.Errorf("%s: stylesheet from elsewhere: %s", what, href)
		}
	})
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, attr := range s.Nodes[0].Attr {
			if attr.Key == "style" || strings.HasPrefix(attr.Key, "on") {
				t.Errorf("%s: inline %s=%q on <%s>", what, attr.Key, attr.Val, s.Nodes[0].Data)
			}
			if (attr.Key == "href" || attr.Key == "src" || attr.Key == "action") && strings.HasPrefix(strings.ToLower(attr.Val), "javascript:") {
				t.Errorf("%s: %s=%q", what, attr.Key, attr.Val)
			}
		}
	})
}
