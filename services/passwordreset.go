package services

import (
	"context"
	"database/sql"
	"errors"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// IssuePasswordReset stores a new password-reset link for the account with this
// email, voiding the older ones, and returns its token (32 random bytes,
// base64url) and the user to mail it to. For an address with no account it
// returns ("", nil, nil) after the same work: the same statements in the same
// transaction, storing nothing. A malformed address is EINVALID on email.
//
// The forgot-password page must answer alike either way: the handler should
// queue a job that calls this and sends the mail (or, for no account, sends
// nothing or a "no account here" note), and answer at once.
func (s *AccountSecurity) IssuePasswordReset(ctx context.Context, email string) (string, *models.User, error) {
	email = models.NormalizeEmail(email)
	if msg := models.ValidateEmail(email); msg != "" {
		return "", nil, models.Invalid(map[string]string{"email": msg})
	}
	token := NewToken()
	var user *models.User
	err := InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		u := new(models.User)
		err := tx.NewSelect().Model(u).Where("email = ?", email).Limit(1).Scan(ctx)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		// u.ID stays 0 for an unknown address: storeToken then matches no user.
		stored, err := s.storeToken(ctx, tx, u.ID, purposePasswordReset, "", token, s.cfg.PasswordResetTTL)
		if stored {
			user = u
		}
		return err
	})
	if err != nil {
		return "", nil, dbError("account security: issue password reset", err)
	}
	if user == nil {
		return "", nil, nil
	}
	return token, user, nil
}

// PasswordResetUser returns the account a password-reset link can still reset,
// for the page that asks for the new password, or ErrAccountLinkInvalid.
func (s *AccountSecurity) PasswordResetUser(ctx context.Context, token string) (*models.User, error) {
	t, err := s.openToken(ctx, s.db, token, purposePasswordReset)
	if err != nil {
		return nil, err
	}
	return s.tokenUser(ctx, s.db, t)
}

// ResetPassword follows a password-reset link: it sets the new password (the
// sign-up rules, EINVALID on password, the link stays open then), spends the
// link and voids every other open link of the user, in one transaction. An
// unknown, used, voided or expired link is ErrAccountLinkInvalid. The caller
// ends every session of the user, signs this browser in afresh and mails a
// notice.
func (s *AccountSecurity) ResetPassword(ctx context.Context, token, newPassword string) (*models.User, error) {
	t, err := s.openToken(ctx, s.db, token, purposePasswordReset)
	if err != nil {
		return nil, err
	}
	user, err := s.tokenUser(ctx, s.db, t)
	if err != nil {
		return nil, err
	}
	if msg := models.ValidatePassword(newPassword, user.Email); msg != "" {
		return nil, models.Invalid(map[string]string{"password": msg})
	}
	// Hash outside the transaction: it takes a while and holds no lock.
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return nil, err
	}
	err = InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if err := s.spendToken(ctx, tx, t.ID); err != nil {
			return err
		}
		return s.setPassword(ctx, tx, user.ID, hash)
	})
	if errors.Is(err, ErrUserGone) {
		return nil, ErrAccountLinkInvalid
	}
	if err != nil {
		return nil, dbError("account security: reset password", err)
	}
	user.PasswordHash = hash
	return user, nil
}
