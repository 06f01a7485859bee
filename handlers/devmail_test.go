package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/storefront/storefront/handlers"
	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
	"github.com/storefront/storefront/services"
)

// devOutbox is main's development wiring: an outbox on a migrated database
// (its own: the shop's is opened inside newShop).
func devOutbox(t *testing.T) *services.Outbox {
	t.Helper()
	db, err := services.OpenDB(testenv.Postgres(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := services.Migrate(context.Background(), db); err != nil {
		t.Fatal(err)
	}
	return services.NewOutbox(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
}

func TestDevMailListsKeptMail(t *testing.T) {
	t.Parallel()
	outbox := devOutbox(t)
	s := newShop(t, func(d *handlers.Deps) { d.DevOutbox = outbox })
	ctx := context.Background()
	if err := outbox.Send(ctx, models.Email{To: "first@example.com", Subject: "First <one>", Text: "first text", HTML: "<p>first</p>"}); err != nil {
		t.Fatal(err)
	}
	if err := outbox.Send(ctx, models.Email{To: "second@example.com", Subject: "Second", Text: "line one\nline <b>two</b>", HTML: `<p style="color:red">second</p>`}); err != nil {
		t.Fatal(err)
	}

	c := s.client()
	r := c.get("/dev/mail")
	expectStatus(t, r, http.StatusOK)
	items := r.doc(t).Find(`ul[aria-label="Kept mail"] > li`)
	if items.Length() != 2 {
		t.Fatalf("%d mails listed, want 2:\n%s", items.Length(), r.body)
	}
	first := items.First()
	if got := first.Find("h2").Text(); got != "Second" {
		t.Errorf("newest first: got %q", got)
	}
	if got := first.Find("pre").Text(); got != "line one\nline <b>two</b>" {
		t.Errorf("text part %q, want it verbatim (escaped in the page)", got)
	}
	if items.Last().Find("h2").Text() != "First <one>" || !strings.Contains(r.body, "First &lt;one&gt;") {
		t.Errorf("subject not shown escaped:\n%s", r.body)
	}
	href, _ := first.Find(`a:contains("HTML part")`).Attr("href")
	mails, err := outbox.Recent(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if href != paths.DevMailHTML(mails[0].ID) {
		t.Fatalf("HTML link %q, want %q", href, paths.DevMailHTML(mails[0].ID))
	}

	h := c.get(href)
	expectStatus(t, h, http.StatusOK)
	if h.body != `<p style="color:red">second</p>` {
		t.Errorf("HTML part %q", h.body)
	}
	csp := h.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("the mail's HTML is served without a sandboxing policy: %q", csp)
	}
	if !strings.HasPrefix(h.Header.Get("Content-Type"), "text/html") {
		t.Errorf("Content-Type %q", h.Header.Get("Content-Type"))
	}

	for _, path := range []string{"/dev/mail/999999/html", "/dev/mail/abc/html", "/dev/mail/0/html"} {
		expectStatus(t, c.get(path), http.StatusNotFound)
	}
}

// Without an outbox (production), the routes do not exist.
func TestDevMailAbsentInProduction(t *testing.T) {
	t.Parallel()
	s := newShop(t)
	c := s.client()
	for _, path := range []string{"/dev/mail", "/dev/mail/1/html"} {
		expectStatus(t, c.get(path), http.StatusNotFound)
	}
}
