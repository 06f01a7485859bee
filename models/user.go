package models

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"
)

// Password length limits, counted in Unicode code points (NIST 800-63B, ASVS 2.1.1/2.1.2).
const (
	PasswordMinLength = 12
	PasswordMaxLength = 128
	emailMaxLength    = 254 // RFC 5321 path limit, in bytes: for sign-up and log-in alike
)

// BadCredentialsMessage is what a log-in form says about input no account can
// match, the same words as for a wrong password.
const BadCredentialsMessage = "Invalid email or password."

// User is a seller account.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID           int64     `bun:"id,pk,autoincrement"`
	Email        string    `bun:"email,notnull"`
	PasswordHash string    `bun:"password_hash,notnull"`
	CreatedAt    time.Time `bun:"created_at,notnull"`
}

// EmailTaken is the sign-up form's message for an address that already has an
// account; the sign-up page shows its question as a link to the login page.
const (
	EmailTaken          = EmailTakenStatement + " " + EmailTakenQuestion
	EmailTakenStatement = "An account with this email already exists."
	EmailTakenQuestion  = "Log in instead?"
)

// Credentials is what a visitor types into the sign-up or log-in form.
type Credentials struct {
	Email    string
	Password string
}

// NormalizeEmail trims and lower-cases an address so that uniqueness is case-insensitive.
func NormalizeEmail(s string) string {
	return strings.ToLower(strings.TrimSpace(s))
}

// ValidateEmail reports why a normalised address is unacceptable, or "" if it is fine.
func ValidateEmail(email string) string {
	if email == "" {
		return "Enter your email address."
	}
	if len(email) > emailMaxLength || checkText(email, false) != textOK || strings.ContainsFunc(email, invisibleInAddress) {
		return "Enter a valid email address."
	}
	addr, err := mail.ParseAddress(email)
	// ParseAddress accepts "Name <a@b>" and comments; only a bare address is an email field.
	if err != nil || addr.Address != email || addr.Name != "" {
		return "Enter a valid email address."
	}
	at := strings.LastIndexByte(email, '@')
	if at < 1 || !strings.Contains(email[at+1:], ".") || strings.ContainsAny(email, " \t\r\n") {
		return "Enter a valid email address."
	}
	return ""
}

// invisibleInAddress reports characters an address shows as nothing (format
// characters such as zero-width spaces and bidi marks, unassigned code points) or
// as a gap: an address with them looks like another account's.
func invisibleInAddress(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }

// ValidatePassword reports why pw cannot be the new password of the account with
// this email ("" before there is one), or "" if it is fine. Any Unicode is
// allowed and nothing is trimmed or truncated; besides the length rules, common
// passwords and the user's own address are refused (NIST SP 800-63B §3.1.1.2).
func ValidatePassword(pw, email string) string {
	if pw == "" {
		return "Enter a password."
	}
	if !utf8.ValidString(pw) || strings.ContainsRune(pw, 0) {
		return "The password contains characters that are not allowed."
	}
	n := utf8.RuneCountInString(pw)
	if n < PasswordMinLength {
		return "Use at least 12 characters."
	}
	if n > PasswordMaxLength {
		return "Use at most 128 characters."
	}
	return guessablePassword(pw, email)
}

// ValidateSignup normalises the email and returns EINVALID with per-field messages
// if the credentials cannot make an account.
func (c *Credentials) ValidateSignup() error {
	c.Email = NormalizeEmail(c.Email)
	fields := map[string]string{}
	if msg := ValidateEmail(c.Email); msg != "" {
		fields["email"] = msg
	}
	if msg := ValidatePassword(c.Password, c.Email); msg != "" {
		fields["password"] = msg
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// ValidateLogin normalises the email and checks only that both fields are present:
// a login form must not reveal the password policy or whether an address exists.
func (c *Credentials) ValidateLogin() error {
	c.Email = NormalizeEmail(c.Email)
	fields := map[string]string{}
	if c.Email == "" {
		fields["email"] = "Enter your email address."
	}
	if len(c.Email) > emailMaxLength {
		// No account has such an address; refuse it before it costs a hash or a key.
		fields["email"] = BadCredentialsMessage
	}
	if c.Password == "" {
		fields["password"] = "Enter your password."
	}
	if len(c.Password) > 4*PasswordMaxLength {
		// Bound the work an attacker can make the password hash do.
		fields["password"] = BadCredentialsMessage
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}
