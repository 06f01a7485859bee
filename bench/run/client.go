package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/storefront/storefront/internal/benchdata"
)

// client talks to the app under test the way a browser would, without following
// redirects, to obtain session cookies and CSRF tokens for the scenarios.
type client struct {
	base   string
	cookie string // the session cookie's name
	http   *http.Client
}

func newClient(base, cookieName string) *client {
	return &client{base: base, cookie: cookieName, http: &http.Client{
		Timeout:       10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// waitReady polls /readyz until the app and its dependencies answer, or the
// app has exited (closed exited), or ctx ends.
func (c *client) waitReady(ctx context.Context, exited <-chan struct{}) error {
	for {
		resp, err := c.http.Get(c.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("/readyz: %s", resp.Status)
		}
		select {
		case <-exited:
			return errors.New("app exited before it was ready")
		case <-ctx.Done():
			return fmt.Errorf("app not ready: %v", err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// guestCookie holds a guest's login form token (COOKIE_SECURE=false here); the
// login form stores nothing on the server.
const guestCookie = "guest"

// loginForm is a guest's login form from GET /login: its cookie and its form token.
type loginForm struct{ id, token string }

func (c *client) loginForm() (loginForm, error) {
	resp, err := c.http.Get(c.base + "/login")
	if err != nil {
		return loginForm{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return loginForm{}, err
	}
	m := csrfField.FindSubmatch(body)
	id := cookieValue(resp, guestCookie)
	if resp.StatusCode != http.StatusOK || m == nil || id == "" {
		return loginForm{}, fmt.Errorf("GET /login: status %d, no guest form cookie or token", resp.StatusCode)
	}
	return loginForm{id: id, token: string(m[1])}, nil
}

func (c *client) sessionCookie(resp *http.Response) string { return cookieValue(resp, c.cookie) }

func cookieValue(resp *http.Response, name string) string {
	for _, ck := range resp.Cookies() {
		if ck.Name == name && ck.Value != "" {
			return ck.Value
		}
	}
	return ""
}

// loginBody is the urlencoded form of a valid login with the login form's token.
func loginBody(ps loginForm) string {
	return url.Values{"email": {benchEmail}, "password": {benchPass}, "_csrf": {ps.token}}.Encode()
}

// login signs the known user in and returns the signed-in session's id.
func (c *client) login() (string, error) {
	ps, err := c.loginForm()
	if err != nil {
		return "", err
	}
	req, _ := http.NewRequest(http.MethodPost, c.base+"/login", strings.NewReader(loginBody(ps)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", guestCookie+"="+ps.id)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	id := c.sessionCookie(resp)
	if resp.StatusCode != http.StatusSeeOther || id == "" {
		return "", fmt.Errorf("POST /login: status %d", resp.StatusCode)
	}
	return id, nil
}

// get fetches a page with an optional session and returns status and body.
func (c *client) get(path, session string) (int, string, error) {
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	if session != "" {
		req.Header.Set("Cookie", c.cookie+"="+session)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// checkPages is a sanity check before measuring: every scenario's URL answers 200
// with the content it should have, so a fast error page is never benchmarked.
// The list shows the newest product first; minID is the oldest.
func (c *client) checkPages(session string, minID int64, products int, search bool) error {
	checks := []struct{ path, session, want string }{
		{"/bench/plaintext", "", "Hello, World!"},
		{"/products", "", html.EscapeString(benchdata.Product(products-1).Name) + "<"},
		{"/products", session, benchEmail},
		{fmt.Sprintf("/products/%d", minID), "", html.EscapeString(benchdata.Product(0).Name) + "<"},
		{"/account", session, benchEmail},
		{"/cart", session, "Your cart"},
		{"/stores/" + storePageSlug, "", "Workshop 1<"},
		{fmt.Sprintf("/products/%d", minID), "", "srcset="},
	}
	if search {
		// A search page says how many results it found (issue 11); a list page
		// that ignores q does not, and must not be measured as a search.
		for _, sc := range searchScenarios() {
			if sc.path != "/" {
				checks = append(checks, struct{ path, session, want string }{sc.path, "", " results for "})
			}
		}
	}
	var errs []error
	for _, ch := range checks {
		status, body, err := c.get(ch.path, ch.session)
		if err != nil || status != http.StatusOK || !strings.Contains(body, ch.want) {
			errs = append(errs, fmt.Errorf("GET %s: status %d, want 200 containing %q (%v)", ch.path, status, ch.want, err))
		}
	}
	return errors.Join(errs...)
}

var csrfMeta = regexp.MustCompile(`<meta name="csrf-token" content="([^"]+)"`)

// csrfToken returns the signed-in session's CSRF token, from its account page
// (scenario l posts with it).
func (c *client) csrfToken(session string) (string, error) {
	status, body, err := c.get("/account", session)
	if err != nil {
		return "", err
	}
	m := csrfMeta.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		return "", fmt.Errorf("GET /account: status %d, no CSRF token", status)
	}
	return m[1], nil
}
