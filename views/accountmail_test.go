package views_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/views"
)

// Every account mail has both parts, says the same in each, and links only to
// PUBLIC_URL; the link mails carry their token and how long they work.
func TestAccountMails(t *testing.T) {
	ctx := context.Background()
	m := views.AccountMails{ShopURL: "https://shop.example.com/"}
	const token = "tok_-123"
	type rendered struct {
		render   func() (models.Email, error)
		link     string // the action link, or ""
		mentions []string
	}
	for name, r := range map[string]rendered{
		"reset": {func() (models.Email, error) { return m.PasswordReset(ctx, "a@example.com", token, time.Hour) },
			"https://shop.example.com/password/reset/" + token, []string{"for 1 hour", "a@example.com"}},
		"changed": {func() (models.Email, error) { return m.PasswordChanged(ctx, "a@example.com") },
			"https://shop.example.com/password/forgot", []string{"was just changed"}},
		"confirm": {func() (models.Email, error) { return m.EmailChangeLink(ctx, "new@example.com", token, 24*time.Hour) },
			"https://shop.example.com/account/email/confirm/" + token, []string{"for 24 hours", "new@example.com"}},
		"taken": {func() (models.Email, error) { return m.EmailChangeTaken(ctx, "taken@example.com") },
			"https://shop.example.com/password/forgot", []string{"you already have an account"}},
		"moved": {func() (models.Email, error) { return m.EmailChanged(ctx, "old@example.com", "new@example.com") },
			"", []string{"now uses new@example.com"}},
	} {
		mail, err := r.render()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := mail.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		doc, err := goquery.NewDocumentFromReader(strings.NewReader(mail.HTML))
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range []string{mail.Text, doc.Text()} {
			for _, want := range r.mentions {
				if !strings.Contains(part, want) {
					t.Errorf("%s: a part lacks %q:\n%s", name, want, part)
				}
			}
		}
		if r.link != "" {
			if !strings.Contains(mail.Text, "\n"+r.link+"\n") {
				t.Errorf("%s: the text part lacks the link %s:\n%s", name, r.link, mail.Text)
			}
			if doc.Find(`a[href="`+r.link+`"]`).Length() == 0 {
				t.Errorf("%s: the HTML part lacks the link %s", name, r.link)
			}
		}
		doc.Find("a").Each(func(_ int, a *goquery.Selection) {
			if href, _ := a.Attr("href"); !strings.HasPrefix(href, "https://shop.example.com/") {
				t.Errorf("%s: link %q is not on PUBLIC_URL", name, href)
			}
		})
	}
	if _, err := (views.AccountMails{ShopURL: ""}).PasswordReset(ctx, "a@example.com", token, time.Hour); err == nil {
		t.Error("a mail without PUBLIC_URL rendered")
	}
}
