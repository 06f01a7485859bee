package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/services"
	"github.com/storefront/storefront/views"
)

// TestNoticeMailReachesMailpit is the whole path a mail takes: a templ component
// rendered by views, the mailer main wires from the configuration, a real SMTP
// server; both parts arrive and links start with PUBLIC_URL.
func TestNoticeMailReachesMailpit(t *testing.T) {
	smtpURL, api := testenv.Mailpit(t)
	cfg, err := loadConfig(envMap(map[string]string{
		"DATABASE_URL": "postgres://db/shop", "SMTP_URL": smtpURL,
		"MAIL_FROM": "Storefront <shop@storefront.test>", "PUBLIC_URL": "https://shop.storefront.test",
	}))
	if err != nil {
		t.Fatal(err)
	}
	mailer, devOutbox, err := newMailer(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil || devOutbox != nil {
		t.Fatalf("newMailer: %v, outbox %v", err, devOutbox)
	}
	const to = "notice-e2e@example.com"
	e, err := views.NoticeEmail(context.Background(), views.Notice{
		To: to, Subject: "Test mail from the shop", Heading: "It works",
		Paragraphs:  []string{"This message went through SMTP."},
		ActionLabel: "Open your account", ActionPath: "/account",
		ShopURL: cfg.PublicURL,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := mailer.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}

	got := testenv.WaitMail(t, api, to)
	if got.Subject != "Test mail from the shop" || got.From.Address != "shop@storefront.test" {
		t.Errorf("subject %q from %+v", got.Subject, got.From)
	}
	text := strings.ReplaceAll(got.Text, "\r\n", "\n")
	if !strings.Contains(text, "It works\n\nThis message went through SMTP.") ||
		!strings.Contains(text, "Open your account:\nhttps://shop.storefront.test/account\n") {
		t.Errorf("text part:\n%s", text)
	}
	if !strings.Contains(got.HTML, `<h1 style="margin:0 0 16px;font-size:20px;font-weight:600">It works</h1>`) ||
		!strings.Contains(got.HTML, `href="https://shop.storefront.test/account"`) {
		t.Errorf("HTML part:\n%s", got.HTML)
	}
}

func TestNewMailerPicksTheMailer(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for name, tc := range map[string]struct {
		env        map[string]string
		smtp, list bool
	}{
		"development default": {env: nil, list: true},
		"production default":  {env: map[string]string{"DATABASE_URL": "postgres://db/shop"}},
		"SMTP":                {env: map[string]string{"SMTP_URL": "smtp://127.0.0.1:1025"}, smtp: true},
	} {
		cfg, err := loadConfig(envMap(tc.env))
		if err != nil {
			t.Fatal(err)
		}
		mailer, devOutbox, err := newMailer(cfg, nil, log)
		if err != nil {
			t.Fatal(err)
		}
		_, isSMTP := mailer.(*services.SMTPMailer)
		_, isOutbox := mailer.(*services.Outbox)
		if isSMTP != tc.smtp || isOutbox == tc.smtp || (devOutbox != nil) != tc.list {
			t.Errorf("%s: mailer %T, /dev/mail outbox %v", name, mailer, devOutbox)
		}
	}
}
