package views

import (
	"context"
	"strconv"
	"time"

	"github.com/storefront/storefront/models"
	"github.com/storefront/storefront/paths"
)

// AccountMails renders the mail of account security (services.AccountMails):
// password-reset and email-change links, and the notices that follow a change.
// Each is a Notice, so its text and HTML parts say the same. ShopURL is
// PUBLIC_URL: every link starts with it, never with a request's Host.
type AccountMails struct {
	ShopURL string
}

// PasswordReset mails the link that sets a new password.
func (m AccountMails) PasswordReset(ctx context.Context, to, token string, ttl time.Duration) (models.Email, error) {
	return NoticeEmail(ctx, Notice{
		To: to, ShopURL: m.ShopURL,
		Subject: "Reset your Storefront password",
		Heading: "Reset your password",
		Paragraphs: []string{
			"Someone, hopefully you, asked to reset the password of the Storefront account for " + to + ".",
			"The link below lets you choose a new password. It works once, for " + durationWords(ttl) +
				", and stops working if a newer link is sent or your password changes.",
			"If you did not ask for it, ignore this message: your password stays as it is.",
		},
		ActionLabel: "Choose a new password", ActionPath: paths.PasswordReset(token),
	})
}

// PasswordChanged tells the user their password was changed.
func (m AccountMails) PasswordChanged(ctx context.Context, to string) (models.Email, error) {
	return NoticeEmail(ctx, Notice{
		To: to, ShopURL: m.ShopURL,
		Subject: "Your Storefront password was changed",
		Heading: "Your password was changed",
		Paragraphs: []string{
			"The password of the Storefront account for " + to + " was just changed, and every other session of the account was signed out.",
			"If this was you, there is nothing to do. If it was not, reset your password now: the link below mails a reset link to this address.",
		},
		ActionLabel: "Reset your password", ActionPath: paths.PasswordForgot,
	})
}

// EmailChangeLink mails the new address the link that makes it the account's.
func (m AccountMails) EmailChangeLink(ctx context.Context, to, token string, ttl time.Duration) (models.Email, error) {
	return NoticeEmail(ctx, Notice{
		To: to, ShopURL: m.ShopURL,
		Subject: "Confirm your new Storefront email address",
		Heading: "Confirm your new email address",
		Paragraphs: []string{
			"Someone, hopefully you, asked to use " + to + " as the email address of their Storefront account.",
			"Nothing changes until you confirm it with the link below. It works once, for " + durationWords(ttl) + ".",
			"If you did not ask for it, ignore this message.",
		},
		ActionLabel: "Confirm this address", ActionPath: paths.EmailConfirm(token),
	})
}

// EmailChangeTaken tells an address that already has an account that another
// account asked to move to it.
func (m AccountMails) EmailChangeTaken(ctx context.Context, to string) (models.Email, error) {
	return NoticeEmail(ctx, Notice{
		To: to, ShopURL: m.ShopURL,
		Subject: "Your Storefront email address",
		Heading: "This address already has an account",
		Paragraphs: []string{
			"Someone asked to use " + to + " as the email address of a Storefront account, but you already have an account with this address, so nothing was changed.",
			"If that was you, log in with this address instead. If you forgot its password, the link below lets you reset it.",
		},
		ActionLabel: "Reset your password", ActionPath: paths.PasswordForgot,
	})
}

// EmailChanged tells the old address that the account moved to newAddress.
func (m AccountMails) EmailChanged(ctx context.Context, oldAddress, newAddress string) (models.Email, error) {
	return NoticeEmail(ctx, Notice{
		To: oldAddress, ShopURL: m.ShopURL,
		Subject: "Your Storefront email address was changed",
		Heading: "Your email address was changed",
		Paragraphs: []string{
			"The Storefront account that used " + oldAddress + " now uses " + newAddress + ". Log in with the new address from now on.",
			"If you did not make this change, contact the shop at once: someone who knew your password may have taken over your account.",
		},
	})
}

// durationWords says how long a link works: "1 hour", "24 hours", "10 minutes".
func durationWords(d time.Duration) string {
	n, unit := int64(d/time.Second), "second"
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		n, unit = int64(d/time.Hour), "hour"
	case d >= time.Minute && d%time.Minute == 0:
		n, unit = int64(d/time.Minute), "minute"
	}
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}
