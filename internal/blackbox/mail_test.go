package blackbox

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/storefront/storefront/internal/testenv"
)

// publicURL is PUBLIC_URL of the apps that send mail: links in mail start with
// it, and tests follow them on the app's real address.
const publicURL = "https://shop.blackbox.test"

// mailEnv is the configuration of an app that sends its mail to the test
// binary's Mailpit, and that Mailpit's API URL.
func mailEnv(t *testing.T, extra map[string]string) (map[string]string, string) {
	t.Helper()
	smtpURL, api := testenv.Mailpit(t)
	env := map[string]string{"SMTP_URL": smtpURL, "MAIL_FROM": "Storefront <shop@storefront.test>", "PUBLIC_URL": publicURL}
	for k, v := range extra {
		env[k] = v
	}
	return env, api
}

// waitMails waits (a bounded poll) until n messages to the address to have
// arrived and returns them, newest first; more than n fails the test.
func waitMails(t *testing.T, api, to string, n int) []testenv.Mail {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		msgs := testenv.MailpitMessages(t, api, to)
		if len(msgs) == n {
			mails := make([]testenv.Mail, n)
			for i, m := range msgs {
				mails[i] = testenv.MailpitMessage(t, api, m.ID)
			}
			return mails
		}
		if len(msgs) > n {
			t.Fatalf("%d messages to %s, want %d", len(msgs), to, n)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d messages to %s within 30 s, want %d", len(msgs), to, n)
		}
		time.Sleep(50 * time.Millisecond) // polling interval of a bounded wait
	}
}

var anyLink = regexp.MustCompile(`https?://[^\s"'<>]+`)

// mailedLink returns the path of the link under dir ("/password/reset/") in m,
// after checking that both parts hold the same link and that every link in the
// mail starts with PUBLIC_URL.
func mailedLink(t *testing.T, m testenv.Mail, dir string) string {
	t.Helper()
	text := strings.ReplaceAll(m.Text, "\r\n", "\n")
	for _, part := range []string{text, m.HTML} {
		for _, link := range anyLink.FindAllString(part, -1) {
			if !strings.HasPrefix(link, publicURL+"/") {
				t.Fatalf("mail %q links to %s, not PUBLIC_URL (%s)", m.Subject, link, publicURL)
			}
		}
	}
	match := regexp.MustCompile(regexp.QuoteMeta(publicURL+dir) + `[A-Za-z0-9_-]{43}`).FindString(text)
	if match == "" || !strings.Contains(m.HTML, `href="`+match+`"`) {
		t.Fatalf("mail %q has no %s link in both parts:\n%s", m.Subject, dir, text)
	}
	return strings.TrimPrefix(match, publicURL)
}

// requestReset asks for a reset link for email from the forgot-password form.
func (c *client) requestReset(email string) *response {
	c.t.Helper()
	if r := c.get("/password/forgot"); r.Status != http.StatusOK {
		c.t.Fatalf("GET /password/forgot: %d", r.Status)
	}
	return c.postWithToken("/password/forgot", url.Values{"email": {email}})
}

// logsHold reports whether any line the app logged contains s.
func (a *app) logsHold(s string) bool {
	for _, line := range a.logs.all() {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}
