package services

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

func TestOutboxKeepsListsAndTrims(t *testing.T) {
	t.Parallel()
	for name, db := range Databases(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			o := NewOutbox(db, slog.New(slog.NewTextHandler(&logs, nil)))
			o.keep = 3
			ctx := context.Background()
			for i := range 5 {
				e := testEmail(fmt.Sprintf("buyer%d@example.com", i))
				e.Subject = fmt.Sprintf("Message %d", i)
				e.Text += "Reset: https://shop.test/reset?token=SECRET-TOKEN\n"
				if err := o.Send(ctx, e); err != nil {
					t.Fatal(err)
				}
			}
			mails, err := o.Recent(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			var subjects []string
			for _, m := range mails {
				subjects = append(subjects, m.Subject)
			}
			if strings.Join(subjects, ",") != "Message 4,Message 3,Message 2" {
				t.Fatalf("kept %q, want the newest 3, newest first", subjects)
			}
			m, err := o.ByID(ctx, mails[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.To != "buyer4@example.com" || !strings.Contains(m.Text, "on its way") || !strings.Contains(m.HTML, "<b>on its way</b>") || m.CreatedAt.IsZero() {
				t.Errorf("ByID = %+v", m)
			}
			if _, err := o.ByID(ctx, mails[2].ID-1); models.ErrorCode(err) != models.ENOTFOUND {
				t.Errorf("a trimmed message: %v, want ENOTFOUND", err)
			}

			if !strings.Contains(logs.String(), "buyer4@example.com") || !strings.Contains(logs.String(), "Message 4") {
				t.Errorf("no log line with recipient and subject: %q", logs.String())
			}
			if strings.Contains(logs.String(), "SECRET-TOKEN") || strings.Contains(logs.String(), "on its way") {
				t.Errorf("the log carries the body: %q", logs.String())
			}
		})
	}
}

func TestOutboxRefusesInvalidMail(t *testing.T) {
	t.Parallel()
	db := Databases(t)["sqlite"]
	o := NewOutbox(db, quietLog())
	e := testEmail("a@example.com\r\nBcc: b@example.com")
	if err := o.Send(context.Background(), e); models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("got %v, want EINVALID", err)
	}
	if mails, err := o.Recent(context.Background(), 10); err != nil || len(mails) != 0 {
		t.Fatalf("kept %d, %v", len(mails), err)
	}
}
