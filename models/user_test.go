package models_test

import (
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

func TestValidateEmail(t *testing.T) {
	for _, ok := range []string{"a@example.com", "first.last+tag@sub.example.co.uk", "x_y@example.io"} {
		if msg := models.ValidateEmail(ok); msg != "" {
			t.Errorf("ValidateEmail(%q) = %q; want ok", ok, msg)
		}
	}
	for _, bad := range []string{"", "plain", "@example.com", "a@", "a@b", "a b@example.com", "Name <a@example.com>",
		"a@example.com\n", "a@@example.com", strings.Repeat("a", 250) + "@example.com"} {
		if msg := models.ValidateEmail(bad); msg == "" {
			t.Errorf("ValidateEmail(%q) accepted; want a message", bad)
		}
	}
}

func TestNormalizeEmail(t *testing.T) {
	if got := models.NormalizeEmail("  Foo@Example.COM \t"); got != "foo@example.com" {
		t.Fatalf("got %q", got)
	}
}

func TestValidatePassword(t *testing.T) {
	cases := []struct {
		name, pw string
		ok       bool
	}{
		{"Empty", "", false},
		{"Eleven", strings.Repeat("a", 11), false},
		{"Twelve", strings.Repeat("a", 12), true},
		{"TwelveRunesFewerBytes", strings.Repeat("密", 12), true},
		{"ElevenRunesManyBytes", strings.Repeat("密", 11), false},
		{"SpacesAndEmoji", "correct horse 🐎 battery", true},
		{"Max", strings.Repeat("b", 128), true},
		{"TooLong", strings.Repeat("b", 129), false},
		{"InvalidUTF8", strings.Repeat("a", 12) + "\xff", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := models.ValidatePassword(c.pw, "") == ""; got != c.ok {
				t.Fatalf("ValidatePassword ok = %v, want %v", got, c.ok)
			}
		})
	}
}

func TestCredentialsValidateSignup(t *testing.T) {
	c := models.Credentials{Email: " New@Example.com ", Password: "long enough password"}
	if err := c.ValidateSignup(); err != nil {
		t.Fatal(err)
	}
	if c.Email != "new@example.com" {
		t.Fatalf("email not normalised: %q", c.Email)
	}
	c = models.Credentials{}
	err := c.ValidateSignup()
	if models.ErrorCode(err) != models.EINVALID {
		t.Fatalf("empty credentials: code %v, want EINVALID", models.ErrorCode(err))
	}
	if f := models.FieldErrors(err); f["email"] == "" || f["password"] == "" {
		t.Fatalf("want both field messages, got %v", f)
	}
}

// Item 3 of issue 8: the log-in form refuses an email no account can have (over
// 254 bytes) with the words of a wrong password, before any hashing or counting.
func TestCredentialsValidateLoginBoundsInput(t *testing.T) {
	long := strings.Repeat("a", 243) + "@example.com" // 255 bytes
	for _, c := range []models.Credentials{
		{Email: long, Password: "some password"},
		{Email: strings.Repeat("a", 1<<20), Password: "some password"},
		{Email: "a@example.com", Password: strings.Repeat("p", 4*models.PasswordMaxLength+1)},
	} {
		err := c.ValidateLogin()
		if models.ErrorCode(err) != models.EINVALID {
			t.Fatalf("%.40q: %v, want EINVALID", c.Email, err)
		}
		for field, msg := range models.FieldErrors(err) {
			if msg != models.BadCredentialsMessage {
				t.Errorf("%.40q: %s says %q, want the generic %q", c.Email, field, msg, models.BadCredentialsMessage)
			}
		}
	}
	ok := models.Credentials{Email: " " + long[1:] + " ", Password: "some password"} // 254 bytes
	if err := ok.ValidateLogin(); err != nil {
		t.Fatalf("254-byte email: %v", err)
	}
}

func TestErrorMessageHidesInternals(t *testing.T) {
	internal := models.ErrorMessage(errString("pq: relation users does not exist"))
	if strings.Contains(internal, "pq:") {
		t.Fatalf("internal error text leaked: %q", internal)
	}
	if got := models.ErrorMessage(models.Errorf(models.ENOTFOUND, "No such product.")); got != "No such product." {
		t.Fatalf("got %q", got)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
