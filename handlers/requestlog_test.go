package handlers

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLoggedQuery(t *testing.T) {
	for raw, want := range map[string]string{
		"page=2":                           "page=2",
		"q=mug&token=abc":                  "q=mug&token=REDACTED",
		"%74oken=a;session=b&x=1":          "%74oken=REDACTED;session=REDACTED&x=1",
		"next=%2Faccount%3Ftoken%3Dx&page": "next=REDACTED&page",
		"API_KEY=1&Reset_Token=2&passwd=3": "API_KEY=REDACTED&Reset_Token=REDACTED&passwd=REDACTED",
		"token&email=":                     "token&email=REDACTED",
		"keyword=mug&code=123":             "keyword=mug&code=REDACTED",
		strings.Repeat("a", 200):           strings.Repeat("a", 200),
		strings.Repeat("a", 201):           strings.Repeat("a", 197) + "...",
		strings.Repeat("é", 150):           strings.Repeat("é", 98) + "...", // cut between characters, not inside one
		"a=" + strings.Repeat("x", 300) + "&password=hunter2": "a=" + strings.Repeat("x", 195) + "...",
	} {
		got := loggedQuery(raw)
		if got != want {
			t.Errorf("loggedQuery(%.60q) = %q, want %q", raw, got, want)
		}
		if len(got) > maxLoggedQuery || !utf8.ValidString(got) {
			t.Errorf("loggedQuery(%.60q): %d bytes, valid UTF-8 %v", raw, len(got), utf8.ValidString(got))
		}
	}
}

// The secret token of a mailed link never reaches the log, whatever the case
// of the path or what follows the token.
func TestLoggedPath(t *testing.T) {
	for path, want := range map[string]string{
		"/password/reset/s3cr3t-t0ken":           "/password/reset/REDACTED",
		"/password/reset/s3cr3t/extra":           "/password/reset/REDACTED",
		"/PASSWORD/Reset/s3cr3t":                 "/PASSWORD/Reset/REDACTED",
		"/account/email/confirm/s3cr3t":          "/account/email/confirm/REDACTED",
		"/password/reset/":                       "/password/reset/",
		"/password/forgot":                       "/password/forgot",
		"/account/sessions/AbCd/delete":          "/account/sessions/AbCd/delete",
		"/products/42":                           "/products/42",
		"/account/email/confirm":                 "/account/email/confirm",
		"/account/email/confirm/" + "x?y=z#frag": "/account/email/confirm/REDACTED",
	} {
		if got := loggedPath(path); got != want {
			t.Errorf("loggedPath(%q) = %q, want %q", path, got, want)
		}
	}
}
