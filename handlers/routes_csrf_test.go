package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// Every route of the router, not a hand-kept list: each state-changing route
// refuses a missing token, another session's token and a cross-site request, and
// no GET route changes anything. A route added later is covered automatically.
func TestEveryRouteIsCSRFSafe(t *testing.T) {
	s := newShop(t)
	victim, _ := s.signedIn()
	attacker, _ := s.signedIn()
	counts := func() (users, products int) {
		t.Helper()
		ctx := context.Background()
		u, err := s.db.NewSelect().Table("users").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.db.NewSelect().Table("products").Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return int(u), int(p)
	}
	stillSignedIn := func(what string) {
		t.Helper()
		if r := victim.get("/account"); r.StatusCode != http.StatusOK {
			t.Fatalf("%s: the victim's session ended (GET /account %d)", what, r.StatusCode)
		}
	}
	form := url.Values{"name": {"Forged"}, "description": {"x"}, "price": {"1.00"},
		"email": {"forged@example.com"}, "password": {testPassword}}

	var unsafe, safe int
	for _, rt := range s.app.GetRoutes(true) {
		path := strings.NewReplacer(":id", "1", ":name", "app.css").Replace(rt.Path)
		switch rt.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
			if strings.HasPrefix(path, "/assets/") || rt.Method != http.MethodGet {
				continue
			}
			safe++
			users, products := counts()
			victim.get(path)
			if u, p := counts(); u != users || p != products {
				t.Errorf("GET %s changed users %d->%d, products %d->%d", path, users, u, products, p)
			}
			stillSignedIn("GET " + path)
			continue
		}
		unsafe++
		victim.get("/account") // a fresh token of the victim's own
		attacks := map[string]struct {
			token  string
			header http.Header
		}{
			"no token":                    {"", nil},
			"another session's token":     {attacker.csrf, nil},
			"cross-site (Fetch Metadata)": {victim.csrf, http.Header{"Sec-Fetch-Site": {"cross-site"}}},
			"cross-site (Origin)":         {victim.csrf, http.Header{"Origin": {"http://evil.example"}}},
		}
		for name, at := range attacks {
			f := url.Values{"_csrf": {at.token}}
			for k, v := range form {
				f[k] = v
			}
			users, products := counts()
			r := victim.do(rt.Method, path, f, at.header)
			if r.StatusCode != http.StatusForbidden {
				t.Errorf("%s %s with %s: status %d, want 403", rt.Method, path, name, r.StatusCode)
			}
			if u, p := counts(); u != users || p != products {
				t.Errorf("%s %s with %s changed users %d->%d, products %d->%d", rt.Method, path, name, users, u, products, p)
			}
			stillSignedIn(rt.Method + " " + path + " with " + name)
		}
	}
	if unsafe < 4 || safe < 6 {
		t.Fatalf("found %d state-changing and %d GET routes; the route listing is broken", unsafe, safe)
	}
	t.Logf("%d state-changing routes x 4 forgeries refused; %d GET routes change nothing", unsafe, safe)
}
