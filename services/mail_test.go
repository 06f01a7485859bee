package services

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/storefront/storefront/internal/testenv"
	"github.com/storefront/storefront/models"
)

var recipientSeq atomic.Int64

// recipient is an address no other test sends to: all tests share one Mailpit.
func recipient(tag string) string {
	return fmt.Sprintf("%s-%d-%d@example.com", tag, time.Now().UnixNano(), recipientSeq.Add(1))
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func testEmail(to string) models.Email {
	return models.Email{
		To:      to,
		Subject: "Your order",
		Text:    "Hello,\n\nyour order is on its way.\n",
		HTML:    "<!DOCTYPE html><html><body><p>Hello,</p><p>your order is <b>on its way</b>.</p></body></html>",
	}
}

func TestSMTPMailerDeliversTextAndHTML(t *testing.T) {
	t.Parallel()
	smtpURL, api := testenv.Mailpit(t)
	m, err := NewSMTPMailer(smtpURL, "Storefront <shop@storefront.test>", quietLog())
	if err != nil {
		t.Fatal(err)
	}
	to := recipient("both-parts")
	e := testEmail(to)
	e.Subject = "Grüße aus dem Laden — 注文 ✓" // needs RFC 2047 encoding
	before := time.Now().Add(-time.Second).Truncate(time.Second)
	if err := m.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}

	got := testenv.WaitMail(t, api, to)
	if got.Subject != e.Subject {
		t.Errorf("subject %q, want %q", got.Subject, e.Subject)
	}
	if raw := got.Headers["Subject"]; len(raw) != 1 || !strings.HasPrefix(raw[0], "=?UTF-8?") {
		t.Errorf("raw Subject header %q is not RFC 2047 encoded", raw)
	}
	if got.From.Address != "shop@storefront.test" || got.From.Name != "Storefront" {
		t.Errorf("From %+v", got.From)
	}
	if len(got.To) != 1 || got.To[0].Address != to || len(got.Cc) != 0 || len(got.Bcc) != 0 {
		t.Errorf("To %+v Cc %+v Bcc %+v, want only %s", got.To, got.Cc, got.Bcc, to)
	}
	// On the wire lines end in CRLF.
	if strings.ReplaceAll(got.Text, "\r\n", "\n") != e.Text {
		t.Errorf("text part %q, want %q", got.Text, e.Text)
	}
	if !strings.Contains(got.HTML, "<b>on its way</b>") {
		t.Errorf("HTML part %q", got.HTML)
	}
	if ct := strings.Join(got.Headers["Content-Type"], ""); !strings.HasPrefix(ct, "multipart/alternative") {
		t.Errorf("Content-Type %q, want multipart/alternative", ct)
	}
	if !strings.HasSuffix(got.MessageID, "@storefront.test") || len(got.MessageID) < len("@storefront.test")+32 {
		t.Errorf("Message-ID %q, want 128 random bits at the sender's domain", got.MessageID)
	}
	date := strings.Join(got.Headers["Date"], "")
	if sent, err := time.Parse(time.RFC1123Z, date); err != nil || sent.Before(before) || sent.After(time.Now().Add(time.Second)) {
		t.Errorf("Date %q (%v), want now in RFC 5322 form", date, err)
	}
	for _, h := range []string{"User-Agent", "X-Mailer"} {
		if v := got.Headers[h]; len(v) > 0 {
			t.Errorf("%s header %q reveals the mail library", h, v)
		}
	}
}

// Header injection through the recipient or the subject must be refused before
// anything is sent: nothing may reach the injected address.
func TestSMTPMailerRefusesInjection(t *testing.T) {
	t.Parallel()
	smtpURL, api := testenv.Mailpit(t)
	m, err := NewSMTPMailer(smtpURL, "shop@storefront.test", quietLog())
	if err != nil {
		t.Fatal(err)
	}
	victim, extra := recipient("victim"), recipient("injected")
	for name, e := range map[string]models.Email{
		"CRLF Bcc in To":      {To: victim + "\r\nBcc: " + extra},
		"LF Bcc in To":        {To: victim + "\nBcc: " + extra},
		"list in To":          {To: victim + ", " + extra},
		"display name in To":  {To: "Victim <" + victim + ">"},
		"group in To":         {To: "undisclosed:" + extra + ";"},
		"CRLF Bcc in subject": {To: victim, Subject: "Hi\r\nBcc: " + extra},
		"LF in subject":       {To: victim, Subject: "Hi\nBcc: " + extra},
		"empty To":            {To: ""},
	} {
		base := testEmail(victim)
		base.To = e.To
		if e.Subject != "" {
			base.Subject = e.Subject
		}
		err := m.Send(context.Background(), base)
		if models.ErrorCode(err) != models.EINVALID {
			t.Errorf("%s: got %v, want EINVALID", name, err)
		}
	}
	// A message sent afterwards arrives alone: none of the refused ones went out.
	if err := m.Send(context.Background(), testEmail(victim)); err != nil {
		t.Fatal(err)
	}
	testenv.WaitMail(t, api, victim)
	if msgs := testenv.MailpitMessages(t, api, extra); len(msgs) != 0 {
		t.Fatalf("%d messages reached the injected address", len(msgs))
	}
}

func TestSMTPMailerNeedsTheRightPassword(t *testing.T) {
	t.Parallel()
	smtpURL, api := testenv.Mailpit(t)
	u, err := url.Parse(smtpURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(u.User.Username(), "wrong")
	m, err := NewSMTPMailer(u.String(), "shop@storefront.test", quietLog())
	if err != nil {
		t.Fatal(err)
	}
	to := recipient("bad-password")
	err = m.Send(context.Background(), testEmail(to))
	if err == nil || !strings.Contains(err.Error(), "AUTH") {
		t.Fatalf("got %v, want an SMTP AUTH failure", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error %q quotes the password", err)
	}
	if msgs := testenv.MailpitMessages(t, api, to); len(msgs) != 0 {
		t.Fatalf("%d messages accepted with a wrong password", len(msgs))
	}
}

// A server that is not there is an error the job can retry, within the caller's
// deadline.
func TestSMTPMailerServerDown(t *testing.T) {
	t.Parallel()
	m, err := NewSMTPMailer("smtp://127.0.0.1:1", "shop@storefront.test", quietLog())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := m.Send(ctx, testEmail(recipient("down"))); err == nil || models.ErrorCode(err) == models.EINVALID {
		t.Fatalf("got %v, want a connection error", err)
	}
}

func TestSMTPMailerLogsNoBody(t *testing.T) {
	t.Parallel()
	smtpURL, api := testenv.Mailpit(t)
	var logs bytes.Buffer
	m, err := NewSMTPMailer(smtpURL, "shop@storefront.test", slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	to := recipient("log")
	e := testEmail(to)
	e.Text += "Reset: https://shop.test/reset?token=SECRET-TOKEN\n"
	e.HTML += `<a href="https://shop.test/reset?token=SECRET-TOKEN">Reset</a>`
	if err := m.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	testenv.WaitMail(t, api, to)
	if !strings.Contains(logs.String(), "mail sent") || !strings.Contains(logs.String(), to) {
		t.Errorf("no log line naming the recipient: %q", logs.String())
	}
	if strings.Contains(logs.String(), "SECRET-TOKEN") {
		t.Errorf("the log carries the body: %q", logs.String())
	}
}

func TestParseSMTPURL(t *testing.T) {
	for raw, want := range map[string]SMTPSettings{
		"smtp://mail.example.com":                            {Host: "mail.example.com", Port: 587, RequireSTARTTLS: true},
		"smtp://u:p%40ss@mail.example.com:2525":              {Host: "mail.example.com", Port: 2525, User: "u", Password: "p@ss", RequireSTARTTLS: true},
		"smtps://u:p@mail.example.com":                       {Host: "mail.example.com", Port: 465, User: "u", Password: "p", ImplicitTLS: true},
		"smtp://127.0.0.1:1025":                              {Host: "127.0.0.1", Port: 1025},
		"smtp://localhost:1025/":                             {Host: "localhost", Port: 1025},
		"smtp://[::1]:1025":                                  {Host: "::1", Port: 1025},
		"smtp://mailpit:1025?starttls=optional":              {Host: "mailpit", Port: 1025},
		"smtp://127.0.0.1:1025?starttls=required":            {Host: "127.0.0.1", Port: 1025, RequireSTARTTLS: true},
		"smtp://user@mail.example.com:587?starttls=required": {Host: "mail.example.com", Port: 587, User: "user", RequireSTARTTLS: true},
	} {
		got, err := ParseSMTPURL(raw)
		if err != nil || got != want {
			t.Errorf("%s: got %+v, %v; want %+v", raw, got, err, want)
		}
	}
	for _, raw := range []string{
		"mail.example.com:587", "http://mail.example.com", "smtp://", "smtp://:25", "smtp://h:0", "smtp://h:99999",
		"smtp://h:port", "smtp://h/path", "smtp://h?foo=bar", "smtp://h?starttls=maybe", "smtp://h#x",
		"smtp://user:se%cret@h", // a bad escape: the error must not quote the password
	} {
		_, err := ParseSMTPURL(raw)
		if err == nil {
			t.Errorf("%s accepted", raw)
		} else if strings.Contains(err.Error(), "se%cret") {
			t.Errorf("%s: error %q quotes the password", raw, err)
		}
	}
}

func TestParseMailFrom(t *testing.T) {
	if a, err := ParseMailFrom("Storefront <shop@example.com>"); err != nil || a.Name != "Storefront" || a.Address != "shop@example.com" {
		t.Errorf("got %+v, %v", a, err)
	}
	for _, raw := range []string{"", "shop", "a@b.com, c@d.com", "Shop <shop@example.com>\r\nBcc: x@y.z"} {
		if _, err := ParseMailFrom(raw); err == nil {
			t.Errorf("%q accepted", raw)
		}
	}
}

func TestNewSMTPMailerChecksSettings(t *testing.T) {
	if _, err := NewSMTPMailer("smtp://127.0.0.1:1025", "not an address", quietLog()); err == nil {
		t.Error("bad MAIL_FROM accepted")
	}
	if _, err := NewSMTPMailer("ftp://x", "shop@example.com", quietLog()); err == nil {
		t.Error("bad SMTP_URL accepted")
	}
	var invalid *models.Error
	m, _ := NewSMTPMailer("smtp://127.0.0.1:1", "shop@example.com", quietLog())
	if err := m.Send(context.Background(), models.Email{To: "a@example.com"}); !errors.As(err, &invalid) {
		t.Errorf("a message without subject and bodies: %v, want EINVALID before any connection", err)
	}
}
