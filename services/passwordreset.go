package services

import (
	"context"
	"database/sql"
	"errors"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// PasswordResetRequest is the job that issues a password-reset link for an
// address someone typed into the forgot-password form.
type PasswordResetRequest struct {
	Email string `json:"email"`
}

// Kind names the job in the queue; it must never change.
func (PasswordResetRequest) Kind() string { return "password_reset_request" }

// RequestPasswordReset queues the issue of a reset link for email and returns:
// the forgot-password page answers before anything depends on whether the
// address has an account, so its status, body and time are the same either
// way. A malformed address is EINVALID on email. The job
// (WorkPasswordResetRequest) issues the link and queues its mail, or does
// nothing for an address with no account.
func (s *AccountSecurity) RequestPasswordReset(ctx context.Context, email string) error {
	email = models.NormalizeEmail(email)
	if msg := models.ValidateEmail(email); msg != "" {
		return models.Invalid(map[string]string{"email": msg})
	}
	if s.jobs == nil {
		return errors.New("account security: no job queue for password reset requests")
	}
	return s.jobs.Enqueue(ctx, s.db, PasswordResetRequest{Email: email})
}

// WorkPasswordResetRequest works a PasswordResetRequest job (main registers it
// with WorkJob): it issues the link and queues its mail in one transaction. A
// retry issues a new link, which voids the one before.
func (s *AccountSecurity) WorkPasswordResetRequest(ctx context.Context, req PasswordResetRequest) error {
	_, _, err := s.IssuePasswordReset(ctx, req.Email)
	if models.ErrorCode(err) == models.EINVALID {
		return river.JobCancel(err) // no retry makes a malformed address valid
	}
	return err
}

// IssuePasswordReset stores a new password-reset link for the account with this
// email, voiding the older ones, queues the mail that holds it, and returns its
// token (32 random bytes, base64url) and the user. For an address with no
// account it returns ("", nil, nil) after the same statements in the same
// transaction (but the mail's), storing and mailing nothing (a mail to an address without an
// account would let anyone send the shop's mail to anyone). A malformed
// address is EINVALID on email. Pages call RequestPasswordReset instead, which
// runs this in a job.
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
		if err != nil || !stored {
			return err
		}
		user = u
		return s.queueMail(ctx, tx, func(m AccountMails) (models.Email, error) {
			return m.PasswordReset(ctx, u.Email, token, s.cfg.PasswordResetTTL)
		})
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
// link, voids every other open link of the user and queues the "password
// changed" notice, in one transaction. An unknown, used, voided or expired link
// is ErrAccountLinkInvalid. The caller ends every session of the user and signs
// this browser in afresh.
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
		if err := s.setPassword(ctx, tx, user.ID, hash); err != nil {
			return err
		}
		return s.queueMail(ctx, tx, func(m AccountMails) (models.Email, error) { return m.PasswordChanged(ctx, user.Email) })
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
