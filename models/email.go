package models

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// subjectMaxLength keeps subjects to what mail clients show (in code points).
const subjectMaxLength = 200

// Email is one message to one recipient, ready to send: views render its bodies,
// a mailer delivers it. Text is the plain-text part, HTML the HTML part; both are
// sent, as multipart/alternative.
type Email struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Validate refuses a message that could not be sent as one safe message: To must
// be exactly one bare address (no display name, no list, no line breaks that
// would add headers) and the subject one line.
func (e Email) Validate() error {
	fields := map[string]string{}
	if msg := ValidateEmail(e.To); msg != "" {
		fields["to"] = msg
	}
	switch {
	case strings.TrimSpace(e.Subject) == "":
		fields["subject"] = "A subject is required."
	case !utf8.ValidString(e.Subject) || utf8.RuneCountInString(e.Subject) > subjectMaxLength:
		fields["subject"] = "The subject is too long or not valid text."
	case strings.ContainsFunc(e.Subject, unicode.IsControl):
		fields["subject"] = "The subject must be one line."
	}
	if strings.TrimSpace(e.Text) == "" || strings.TrimSpace(e.HTML) == "" {
		fields["body"] = "Both a text and an HTML body are required."
	} else if !utf8.ValidString(e.Text) || !utf8.ValidString(e.HTML) {
		fields["body"] = "The body is not valid text."
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// OutboxMail is a message the embedded mailer kept instead of sending it (no
// SMTP_URL), as listed at /dev/mail in development.
type OutboxMail struct {
	bun.BaseModel `bun:"table:outbox_mails,alias:om"`

	ID        int64     `bun:"id,pk,autoincrement"`
	To        string    `bun:"recipient,notnull"`
	Subject   string    `bun:"subject,notnull"`
	Text      string    `bun:"text_body,notnull"`
	HTML      string    `bun:"html_body,notnull"`
	CreatedAt time.Time `bun:"created_at,notnull"`
}
