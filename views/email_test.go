package views_test

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/storefront/storefront/views"
)

func TestNoticeEmailRendersBothParts(t *testing.T) {
	n := views.Notice{
		To:          "buyer@example.com",
		Subject:     "Your shop <news>",
		Heading:     "Hello & welcome",
		Paragraphs:  []string{"First <script>alert(1)</script> paragraph.", "Second paragraph."},
		ActionLabel: "See your account",
		ActionPath:  "/account?tab=orders",
		ShopURL:     "https://shop.example.com/",
	}
	e, err := views.NoticeEmail(context.Background(), n)
	if err != nil {
		t.Fatal(err)
	}
	if e.To != n.To || e.Subject != n.Subject {
		t.Errorf("To %q Subject %q", e.To, e.Subject)
	}
	if err := e.Validate(); err != nil {
		t.Errorf("rendered message does not validate: %v", err)
	}

	// Text: the content as typed (no HTML escaping), the link spelled out in full.
	for _, want := range []string{"Hello & welcome\n\n", "First <script>alert(1)</script> paragraph.\n\nSecond paragraph.\n\n",
		"See your account:\nhttps://shop.example.com/account?tab=orders\n", "\n-- \nStorefront\nhttps://shop.example.com/\n"} {
		if !strings.Contains(e.Text, want) {
			t.Errorf("text part lacks %q:\n%s", want, e.Text)
		}
	}

	doc, err := goquery.NewDocumentFromReader(strings.NewReader(e.HTML))
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Find("h1").Text(); got != "Hello & welcome" {
		t.Errorf("h1 %q", got)
	}
	if doc.Find("script").Length() != 0 || !strings.Contains(e.HTML, "&lt;script&gt;") {
		t.Errorf("paragraph text not escaped:\n%s", e.HTML)
	}
	if href, _ := doc.Find(`a:contains("See your account")`).Attr("href"); href != "https://shop.example.com/account?tab=orders" {
		t.Errorf("action link %q, want an absolute URL on the shop", href)
	}
	if doc.Find("link[rel=stylesheet], style").Length() != 0 {
		t.Error("mail clients drop style sheets: styles must be inline")
	}
	doc.Find("a").Each(func(_ int, a *goquery.Selection) {
		if href, _ := a.Attr("href"); !strings.HasPrefix(href, "https://shop.example.com/") {
			t.Errorf("link %q is not absolute on PUBLIC_URL", href)
		}
	})
}

func TestNoticeEmailWithoutAction(t *testing.T) {
	e, err := views.NoticeEmail(context.Background(), views.Notice{
		To: "buyer@example.com", Subject: "Hi", Heading: "Hi", Paragraphs: []string{"Just so you know."}, ShopURL: "http://localhost:3000",
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(e.Text, ":\nhttp") || strings.Count(e.HTML, "<a ") != 1 {
		t.Errorf("an action appeared without one being asked for:\n%s\n%s", e.Text, e.HTML)
	}
}

func TestNoticeEmailRefusesBadLinks(t *testing.T) {
	for name, n := range map[string]views.Notice{
		"relative shop URL":       {ShopURL: "/"},
		"no shop URL":             {},
		"javascript shop URL":     {ShopURL: "javascript:alert(1)"},
		"action to another site":  {ShopURL: "https://shop.example.com", ActionLabel: "Go", ActionPath: "//evil.example/"},
		"absolute action URL":     {ShopURL: "https://shop.example.com", ActionLabel: "Go", ActionPath: "https://evil.example/"},
		"action without a label":  {ShopURL: "https://shop.example.com", ActionPath: "/account"},
		"label without an action": {ShopURL: "https://shop.example.com", ActionLabel: "Go"},
	} {
		n.To, n.Subject, n.Heading = "buyer@example.com", "Hi", "Hi"
		if _, err := views.NoticeEmail(context.Background(), n); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
