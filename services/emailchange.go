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
// whether or not the address is free, and queues one mail to newEmail: the link
// if the address is free, else (taken) "you already have an account" (the link
// would fail anyway: ConfirmEmailChange checks again). So the answer, and the
// work, are the same for free and taken addresses.
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
		if err != nil {
			return err
		}
		return s.queueMail(ctx, tx, func(m AccountMails) (models.Email, error) {
			if taken {
				return m.EmailChangeTaken(ctx, newEmail)
			}
			return m.EmailChangeLink(ctx, newEmail, token, s.cfg.EmailChangeTTL)
		})
	})
	if err != nil {
		return "", false, dbError("account security: request email change", err)
	}
	return token, taken, nil
}

// EmailChangeAddress returns the address an email-change link would make the
// account's, for the page that asks to confirm it, or ErrAccountLinkInvalid.
func (s *AccountSecurity) EmailChangeAddress(ctx context.Context, token string) (string, error) {
	t, err := s.openToken(ctx, s.db, token, purposeEmailChange)
	if err != nil {
		return "", err
	}
	if _, err := s.tokenUser(ctx, s.db, t); err != nil {
		return "", err
	}
	return t.NewEmail, nil
}

// ConfirmEmailChange follows an email-change link: the account's address
// becomes the one the link was mailed to, the link is spent, every other open
// link of the user is voided (reset links went to the old address) and the old
// address is told, in one transaction. It returns the user as changed and the
// old address.
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
		// The account page shows the address: its cached copy goes too.
		_, err = tx.NewUpdate().Model((*models.User)(nil)).Set("email = ?", t.NewEmail).
			Set("dashboard_version = ?", newDashboardVersion()).Where("id = ?", user.ID).Exec(ctx)
		if isUniqueViolation(err) {
			return ErrEmailTakenMeanwhile
		}
		if err != nil {
			return err
		}
		oldEmail, user.Email = user.Email, t.NewEmail
		if err := s.voidOpenTokens(ctx, tx, user.ID, ""); err != nil {
			return err
		}
		return s.queueMail(ctx, tx, func(m AccountMails) (models.Email, error) {
			return m.EmailChanged(ctx, oldEmail, user.Email)
		})
	})
	if err != nil {
		return nil, "", dbError("account security: confirm email change", err)
	}
	return user, oldEmail, nil
}
