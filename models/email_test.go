package models

import (
	"strings"
	"testing"
)

func TestEmailValidate(t *testing.T) {
	ok := Email{To: "buyer@example.com", Subject: "Grüße — 注文 ✓", Text: "Hello", HTML: "<p>Hello</p>"}
	if err := ok.Validate(); err != nil {
		t.Fatalf("valid message refused: %v", err)
	}
	for name, tc := range map[string]struct {
		edit  func(*Email)
		field string
	}{
		"CRLF header in To":   {func(e *Email) { e.To = "buyer@example.com\r\nBcc: x@example.com" }, "to"},
		"two recipients":      {func(e *Email) { e.To = "buyer@example.com, x@example.com" }, "to"},
		"display name":        {func(e *Email) { e.To = "Buyer <buyer@example.com>" }, "to"},
		"no recipient":        {func(e *Email) { e.To = "" }, "to"},
		"CRLF header subject": {func(e *Email) { e.Subject = "Hi\r\nBcc: x@example.com" }, "subject"},
		"tab in subject":      {func(e *Email) { e.Subject = "Hi\tthere" }, "subject"},
		"blank subject":       {func(e *Email) { e.Subject = "  " }, "subject"},
		"long subject":        {func(e *Email) { e.Subject = strings.Repeat("é", subjectMaxLength+1) }, "subject"},
		"invalid UTF-8":       {func(e *Email) { e.Subject = "caf\xe9" }, "subject"},
		"no text part":        {func(e *Email) { e.Text = "" }, "body"},
		"no HTML part":        {func(e *Email) { e.HTML = " " }, "body"},
		"invalid UTF-8 body":  {func(e *Email) { e.HTML = "<p>\xff</p>" }, "body"},
	} {
		e := ok
		tc.edit(&e)
		err := e.Validate()
		if ErrorCode(err) != EINVALID || FieldErrors(err)[tc.field] == "" {
			t.Errorf("%s: got %v, want EINVALID on %s", name, err, tc.field)
		}
	}
	if e := (Email{To: "buyer@example.com", Subject: strings.Repeat("é", subjectMaxLength), Text: "t", HTML: "h"}); e.Validate() != nil {
		t.Errorf("a subject of exactly %d characters refused", subjectMaxLength)
	}
}
