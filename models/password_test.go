package models_test

import (
	"bufio"
	"strings"
	"testing"

	"github.com/storefront/storefront/models"
)

// The embedded list is what the generator makes: at least 10,000 entries (NIST
// SP 800-63B's "at least 10,000 of the most common"), lower-cased, sorted and
// unique, which the in-place search relies on.
func TestCommonPasswordListIsSortedLowerCaseAndLarge(t *testing.T) {
	list := models.CommonPasswordList()
	if !strings.HasSuffix(list, "\n") {
		t.Fatal("the list does not end in a newline")
	}
	onList := map[string]bool{}
	for _, w := range strings.Split(strings.TrimSuffix(list, "\n"), "\n") {
		onList[w] = true
	}
	sc := bufio.NewScanner(strings.NewReader(list))
	n, prev := 0, ""
	for sc.Scan() {
		w := sc.Text()
		if w == "" || w != strings.ToLower(w) || strings.TrimSpace(w) != w {
			t.Fatalf("line %d: %q is empty, not lower-case or padded", n+1, w)
		}
		if n > 0 && w <= prev {
			t.Fatalf("line %d: %q does not sort after %q", n+1, w, prev)
		}
		// Every entry is found by the search, first and last included.
		if !models.IsCommonPassword(w) {
			t.Fatalf("line %d: %q is on the list but not found", n+1, w)
		}
		// Its near neighbours are found exactly when they are on the list too.
		for _, near := range []string{w[:len(w)-1], w + "0", w + "~", "0" + w} {
			if models.IsCommonPassword(near) != onList[near] {
				t.Fatalf("IsCommonPassword(%q) = %v, but on the list: %v", near, !onList[near], onList[near])
			}
		}
		prev = w
		n++
	}
	if n < 10_000 {
		t.Fatalf("%d entries, want at least 10,000", n)
	}
}

func TestIsCommonPassword(t *testing.T) {
	for _, pw := range []string{"password", "PassWord", "123456", "qwertyuiop", "1qaz2wsx3edc", "iloveyou"} {
		if !models.IsCommonPassword(pw) {
			t.Errorf("IsCommonPassword(%q) = false, want true", pw)
		}
	}
	for _, pw := range []string{"", "password ", " password", "password\n", "pass\nword", "a perfectly fine password",
		"correct horse 🐎 battery", "\xff\xfe", "zzzzzzzzzzzzzzzzzzzzzzzzzz", "!"} {
		if models.IsCommonPassword(pw) {
			t.Errorf("IsCommonPassword(%q) = true, want false", pw)
		}
	}
}

func TestValidatePasswordRefusesGuessablePasswords(t *testing.T) {
	const email = "Jane.Doe+shop@Example.com"
	cases := []struct {
		name, pw, email, want string
	}{
		{"CommonLongPassword", "1qaz2wsx3edc", "", models.CommonPasswordMessage},
		{"CommonUpperCase", "1QAZ2WSX3EDC", "", models.CommonPasswordMessage},
		{"RepeatedCommonPassword", "qwertyqwerty", "", models.CommonPasswordMessage},
		{"RepeatedCommonPasswordThrice", "PasswordPasswordPassword", "", models.CommonPasswordMessage},
		{"RepeatedUncommonUnitIsFine", strings.Repeat("a", 12), "", ""},
		{"WholeEmail", "jane.doe+shop@example.com", email, models.OwnEmailMessage},
		{"WholeEmailOtherCase", "JANE.DOE+SHOP@EXAMPLE.COM", email, models.OwnEmailMessage},
		{"LocalPart", "Jane.Doe+Shop", email, models.OwnEmailMessage},
		{"LocalPartWithoutItsTag", "janedoesmith1985", "janedoesmith1985+shop@example.com", models.OwnEmailMessage},
		{"LocalPartOtherCase", "janedoesmith1985", "JaneDoeSmith1985@Example.com", models.OwnEmailMessage},
		{"ShortLocalPartMeetsTheLengthRuleFirst", "jane.doe", email, "Use at least 12 characters."},
		{"SomeoneElsesEmail", "jane.doe+shop@example.com", "other@example.com", ""},
		{"ContainingTheEmailIsFine", "my jane.doe+shop@example.com password", email, ""},
		{"FinePassword", "correct horse 🐎 battery", email, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := models.ValidatePassword(c.pw, c.email); got != c.want {
				t.Fatalf("ValidatePassword(%q, %q) = %q, want %q", c.pw, c.email, got, c.want)
			}
		})
	}
}

// Sign-up applies the whole policy, own address included, with a message on
// the password field.
func TestCredentialsValidateSignupRefusesGuessablePasswords(t *testing.T) {
	for pw, want := range map[string]string{
		"1qaz2wsx3edc":           models.CommonPasswordMessage,
		"NEW.SELLER@EXAMPLE.COM": models.OwnEmailMessage,
		"new.seller":             "Use at least 12 characters.",
	} {
		c := models.Credentials{Email: " New.Seller@Example.com ", Password: pw}
		if got := models.FieldErrors(c.ValidateSignup())["password"]; got != want {
			t.Errorf("sign-up with %q: password message %q, want %q", pw, got, want)
		}
	}
}

func BenchmarkIsCommonPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		models.IsCommonPassword("a perfectly fine password")
	}
}
