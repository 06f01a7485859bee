package services

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// ErrEmailTakenMeanwhile refuses an email change whose new address got an
// account between the request and the click on the link.
var ErrEmailTakenMeanwhile = &models.Error{
	Code:    models.EINVALID,
	Message: "Another account now uses that address, so your email address was not changed.",
}

// RequestEmailChange starts moving a signed-in user to newEmail. The user
// confirms with their current password (ErrWrongCurrentPassword otherwise); a
// malformed address, or their own, is EINVALID on email. It stores a link (24
// hours, single use, voiding older email-change links) and returns its token,
// whether or not the address is free: taken says it already has an account,
// and then the caller mails that address "you already have an account" instead
// of the link (which would fail anyway: ConfirmEmailChange checks again). So
// the answer, and the work, are the same for free and taken addresses.
func (s *AccountSecurity) RequestEmailChange(ctx context.Context, userID int64, newEmail, currentPassword string) (token string, taken bool, err error) {
	newEmail = models.NormalizeEmail(newEmail)
	if msg := models.ValidateEmail(newEmail); msg != "" {
		return "", false, models.Invalid(map[string]string{"email": msg})
	}
	user, err := s.user(ctx, s.db, userID)
	if err != nil {
		return "", false, err
	}
	if newEmail == user.Email {
		return "", false, models.Invalid(map[string]string{"email": "That is already your email address."})
	}
	if err := s.verifyCurrent(ctx, user, currentPassword); err != nil {
		return "", false, err
	}
	token = NewToken()
	err = InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		var err error
		taken, err = tx.NewSelect().Model((*models.User)(nil)).Where("email = ?", newEmail).Exists(ctx)
		if err != nil {
			return err
		}
		stored, err := s.storeToken(ctx, tx, user.ID, purposeEmailChange, newEmail, token, s.cfg.EmailChangeTTL)
		if err == nil && !stored {
			return ErrUserGone
		}
		return err
	})
	if err != nil {
		return "", false, dbError("account security: request email change", err)
	}
	return token, taken, nil
}

// ConfirmEmailChange follows an email-change link: the account's address
// becomes the one the link was mailed to, the link is spent and every other
// open link of the user is voided (reset links went to the old address). It
// returns the user as changed and the old address, which the caller notifies.
// An unknown, used, voided or expired link is ErrAccountLinkInvalid; an address
// that got an account since the request is ErrEmailTakenMeanwhile.
func (s *AccountSecurity) ConfirmEmailChange(ctx context.Context, token string) (*models.User, string, error) {
	var user *models.User
	var oldEmail string
	err := InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		t, err := s.openToken(ctx, tx, token, purposeEmailChange)
		if err != nil {
			return err
		}
		if err := s.spendToken(ctx, tx, t.ID); err != nil {
			return err
		}
		if user, err = s.tokenUser(ctx, tx, t); err != nil {
			return err
		}
		_, err = tx.NewUpdate().Model((*models.User)(nil)).Set("email = ?", t.NewEmail).Where("id = ?", user.ID).Exec(ctx)
		if isUniqueViolation(err) {
			return ErrEmailTakenMeanwhile
		}
		if err != nil {
			return err
		}
		oldEmail, user.Email = user.Email, t.NewEmail
		return s.voidOpenTokens(ctx, tx, user.ID, "")
	})
	if err != nil {
		return nil, "", dbError("account security: confirm email change", err)
	}
	return user, oldEmail, nil
}
