package testenv

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// mailpitServer is a Mailpit (SMTP server that keeps every message and serves
// them through an HTTP API) in a temporary directory. It requires SMTP
// authentication with a random user and password, so clients prove they log in.
type mailpitServer struct {
	dir                string
	smtpPort, httpPort int
	user, password     string
	proc               *process
}

func newMailpitServer(ctx context.Context, logf func(string, ...any)) (*mailpitServer, error) {
	bin, err := toolPath(ctx, mailpitPkg, logf)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "storefront-mailpit-")
	if err != nil {
		return nil, err
	}
	s := &mailpitServer{dir: dir, user: "shop-" + randomHex()[:6], password: randomHex()}
	// Plain text "user:password" lines.
	if err := os.WriteFile(filepath.Join(dir, "auth"), []byte(s.user+":"+s.password+"\n"), 0o600); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	if _, err := startOnFreePort(func(port int) error {
		s.smtpPort = port
		if s.httpPort, err = freePort(); err != nil {
			return err
		}
		return s.start(ctx, bin)
	}); err != nil {
		return nil, errors.Join(err, os.RemoveAll(dir))
	}
	return s, nil
}

func (s *mailpitServer) start(ctx context.Context, bin string) error {
	cmd := exec.Command(bin,
		"--smtp", s.smtpAddr(),
		"--listen", net.JoinHostPort("127.0.0.1", strconv.Itoa(s.httpPort)),
		"--database", filepath.Join(s.dir, "mailpit.db"),
		"--smtp-auth-file", filepath.Join(s.dir, "auth"),
		// Without TLS the mailer may only authenticate to a loopback server.
		"--smtp-auth-allow-insecure",
		"--max", "0", // keep every message: tests find theirs by recipient
		"--disable-version-check",
		"--smtp-disable-rdns",
		"--quiet")
	cmd.Dir = s.dir
	p, err := startProcess(cmd, filepath.Join(s.dir, "mailpit.log"), nil, syscall.SIGKILL)
	if err != nil {
		return err
	}
	if err := p.waitReady(ctx, s.ready); err != nil {
		return errors.Join(err, p.stopWithSignal(syscall.SIGKILL, stopTimeout))
	}
	s.proc = p
	return nil
}

// ready checks both listeners: the API says ready and the SMTP port accepts.
func (s *mailpitServer) ready(ctx context.Context) error {
	if err := httpOK(ctx, s.apiURL()+"/readyz"); err != nil {
		return err
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.smtpAddr())
	if err != nil {
		return err
	}
	return conn.Close()
}

func (s *mailpitServer) destroy() error {
	var err error
	if s.proc != nil {
		err = s.proc.stopWithSignal(syscall.SIGTERM, stopTimeout)
		s.proc = nil
	}
	return errors.Join(err, os.RemoveAll(s.dir))
}

func (s *mailpitServer) smtpAddr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.smtpPort))
}

// smtpURL is smtp://user:password@127.0.0.1:PORT, the app's SMTP_URL form.
func (s *mailpitServer) smtpURL() string {
	u := url.URL{Scheme: "smtp", User: url.UserPassword(s.user, s.password), Host: s.smtpAddr()}
	return u.String()
}

func (s *mailpitServer) apiURL() string {
	return "http://" + net.JoinHostPort("127.0.0.1", strconv.Itoa(s.httpPort))
}

// httpOK GETs rawURL and wants a 200.
func httpOK(ctx context.Context, rawURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", rawURL, res.Status)
	}
	return nil
}

// Mailpit returns the SMTP URL (smtp://user:password@127.0.0.1:PORT, with the
// credentials the server requires) and the HTTP API base URL of a Mailpit shared
// by the whole test binary, started on first use and stopped by Main. Messages of
// all tests land in the same server: give each test its own recipient addresses
// and look messages up by recipient (MailpitMessages, WaitMail). The package must
// use Main.
func Mailpit(tb testing.TB) (smtpURL, apiURL string) {
	tb.Helper()
	requireMain(tb)
	sharedMailpitOnce.Do(func() { sharedMailpit, sharedMailpitErr = newMailpitServer(context.Background(), tb.Logf) })
	if sharedMailpitErr != nil {
		tb.Fatalf("testenv: start Mailpit: %v", sharedMailpitErr)
	}
	return sharedMailpit.smtpURL(), sharedMailpit.apiURL()
}

// MailAddress is an address as Mailpit reports it.
type MailAddress struct {
	Name    string
	Address string
}

// MailSummary is one message in Mailpit's list.
type MailSummary struct {
	ID        string
	MessageID string
	From      MailAddress
	To        []MailAddress
	Subject   string
}

// Mail is one message as Mailpit parsed it: decoded headers and both bodies.
type Mail struct {
	ID        string
	MessageID string
	From      MailAddress
	To        []MailAddress
	Cc        []MailAddress
	Bcc       []MailAddress
	Subject   string
	Date      time.Time
	Text      string
	HTML      string
	// Headers are the raw header fields (values still MIME-encoded), by name.
	Headers map[string][]string
}

// MailpitMessages lists the messages sent to the address to, newest first.
func MailpitMessages(tb testing.TB, apiURL, to string) []MailSummary {
	tb.Helper()
	var page struct{ Messages []MailSummary }
	getJSON(tb, apiURL+"/api/v1/search?query="+url.QueryEscape(`to:"`+to+`"`), &page)
	return page.Messages
}

// MailpitMessage fetches one message with its bodies and headers.
func MailpitMessage(tb testing.TB, apiURL, id string) Mail {
	tb.Helper()
	var m Mail
	getJSON(tb, apiURL+"/api/v1/message/"+url.PathEscape(id), &m)
	getJSON(tb, apiURL+"/api/v1/message/"+url.PathEscape(id)+"/headers", &m.Headers)
	return m
}

// WaitMail waits (a bounded poll) until exactly one message to the address to has
// arrived and returns it; more than one fails the test.
func WaitMail(tb testing.TB, apiURL, to string) Mail {
	tb.Helper()
	deadline := time.Now().Add(readyTimeout)
	for {
		switch msgs := MailpitMessages(tb, apiURL, to); {
		case len(msgs) == 1:
			return MailpitMessage(tb, apiURL, msgs[0].ID)
		case len(msgs) > 1:
			tb.Fatalf("testenv: %d messages to %s, want 1", len(msgs), to)
		case time.Now().After(deadline):
			tb.Fatalf("testenv: no message to %s within %s", to, readyTimeout)
		}
		time.Sleep(pollInterval) // polling interval of a bounded wait
	}
}

func getJSON(tb testing.TB, rawURL string, into any) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		tb.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("testenv: GET %s: %v", rawURL, err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		tb.Fatalf("testenv: GET %s: %s", rawURL, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(into); err != nil {
		tb.Fatalf("testenv: GET %s: %v", rawURL, err)
	}
}
