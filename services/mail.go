package services

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/storefront/storefront/models"
)

// Mailer delivers one message, synchronously. Callers are background jobs (which
// retry with backoff), never request handlers. main picks SMTPMailer when
// SMTP_URL is set, else the Outbox.
type Mailer interface {
	Send(ctx context.Context, e models.Email) error
}

// smtpTimeout bounds each step of an SMTP conversation (connect, each command);
// the caller's context bounds the whole.
const smtpTimeout = 30 * time.Second

// SMTPSettings is a parsed SMTP_URL.
type SMTPSettings struct {
	Host string
	Port int
	// User and Password, when set, are sent with SMTP AUTH (PLAIN, else LOGIN,
	// else the strongest mechanism offered), and only over TLS or to a loopback
	// server.
	User, Password string
	// ImplicitTLS is smtps://: TLS from the first byte (port 465).
	ImplicitTLS bool
	// RequireSTARTTLS refuses to send unless the server upgrades the connection to
	// TLS. It is on for smtp:// except to a loopback server or with starttls=optional.
	RequireSTARTTLS bool
}

// ParseSMTPURL reads SMTP_URL: smtp://[user:password@]host[:port] (STARTTLS,
// port 587) or smtps://[user:password@]host[:port] (implicit TLS, port 465). A
// plain smtp:// connection is refused unless the host is a loopback address or
// the URL ends with ?starttls=optional (a catcher such as Mailpit in a container
// network). Errors never quote the URL, which may hold a password.
func ParseSMTPURL(raw string) (SMTPSettings, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPSettings{}, errors.New("SMTP_URL is not a valid URL (percent-encode special characters in the user and password)")
	}
	var s SMTPSettings
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.ImplicitTLS = 465, true
	default:
		return SMTPSettings{}, errors.New("SMTP_URL must start with smtp:// or smtps://")
	}
	if s.Host = u.Hostname(); s.Host == "" {
		return SMTPSettings{}, errors.New("SMTP_URL has no host")
	}
	if p := u.Port(); p != "" {
		if s.Port, err = strconv.Atoi(p); err != nil || s.Port < 1 || s.Port > 65535 {
			return SMTPSettings{}, errors.New("SMTP_URL has an invalid port")
		}
	}
	if u.Path != "" && u.Path != "/" || u.Fragment != "" || u.Opaque != "" {
		return SMTPSettings{}, errors.New("SMTP_URL must be smtp://user:password@host:port with nothing after the port but ?starttls=optional")
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	q := u.Query()
	starttls := q.Get("starttls")
	q.Del("starttls")
	if len(q) > 0 || (starttls != "" && starttls != "optional" && starttls != "required") {
		return SMTPSettings{}, errors.New("SMTP_URL accepts only the query parameter starttls=optional or starttls=required")
	}
	s.RequireSTARTTLS = !s.ImplicitTLS && starttls != "optional" && (starttls == "required" || !isLoopback(s.Host))
	return s, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ParseMailFrom reads MAIL_FROM: an address with an optional display name,
// "Storefront <shop@example.com>".
func ParseMailFrom(raw string) (*mail.Address, error) {
	a, err := mail.ParseAddress(raw)
	if err != nil || strings.ContainsAny(raw, "\r\n") {
		return nil, fmt.Errorf("MAIL_FROM=%q is not an address like Storefront <shop@example.com>", raw)
	}
	return a, nil
}

// SMTPMailer sends each message over a new SMTP connection: sending is rare and
// done by background jobs, so a pool would only hold idle connections.
type SMTPMailer struct {
	settings SMTPSettings
	from     *mail.Address
	idDomain string // right-hand side of Message-IDs: the sender's domain
	log      *slog.Logger
}

// NewSMTPMailer checks the settings once; Send only talks to the server.
func NewSMTPMailer(smtpURL, from string, log *slog.Logger) (*SMTPMailer, error) {
	settings, err := ParseSMTPURL(smtpURL)
	if err != nil {
		return nil, err
	}
	addr, err := ParseMailFrom(from)
	if err != nil {
		return nil, err
	}
	return &SMTPMailer{settings: settings, from: addr, idDomain: addr.Address[strings.LastIndexByte(addr.Address, '@')+1:], log: log}, nil
}

// Server is host:port of the SMTP server, for logs.
func (m *SMTPMailer) Server() string {
	return net.JoinHostPort(m.settings.Host, strconv.Itoa(m.settings.Port))
}

// Send delivers e as multipart/alternative (text, then HTML) with Date and a
// Message-ID. An invalid message is EINVALID and worth no retry; a server that
// refuses it with a 5xx answer gives a *gomail.SendError whose IsTemp is false.
func (m *SMTPMailer) Send(ctx context.Context, e models.Email) error {
	if err := e.Validate(); err != nil {
		return err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(m.from)
	if err := msg.To(e.To); err != nil {
		return models.Invalid(map[string]string{"to": "Enter a valid email address."})
	}
	msg.Subject(e.Subject)
	msg.SetDate()
	id := m.newMessageID()
	msg.SetMessageIDWithValue(id)
	msg.SetBodyString(gomail.TypeTextPlain, e.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, e.HTML)

	client, err := gomail.NewClient(m.settings.Host, m.clientOptions()...)
	if err != nil {
		return fmt.Errorf("mail: %w", err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("mail to %s via %s: %w", e.To, m.Server(), err)
	}
	m.log.InfoContext(ctx, "mail sent", "to", e.To, "subject", e.Subject, "message_id", id)
	return nil
}

func (m *SMTPMailer) clientOptions() []gomail.Option {
	s := m.settings
	opts := []gomail.Option{gomail.WithPort(s.Port), gomail.WithTimeout(smtpTimeout)}
	switch {
	case s.ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case s.RequireSTARTTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.User != "" {
		// PLAIN and LOGIN refuse to send the password unencrypted to anything but
		// localhost; other servers get the strongest mechanism they offer.
		opts = append(opts, gomail.WithUsername(s.User), gomail.WithPassword(s.Password),
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin))
	}
	return opts
}

// newMessageID is 128 random bits at the sender's domain (not this host's name,
// which is neither stable nor ours to publish).
func (m *SMTPMailer) newMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails since Go 1.24
	return hex.EncodeToString(b) + "@" + m.idDomain
}
