package services

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// Lifetimes of the links AccountSecurity mails.
const (
	DefaultPasswordResetTTL = time.Hour      // PASSWORD_RESET_TTL
	DefaultEmailChangeTTL   = 24 * time.Hour // issue 13: "24 hours, single use"
)

// ErrAccountLinkInvalid answers a password-reset or email-change link that is
// unknown, already used, voided or expired: all look the same, so a link says
// nothing about the account it was for. Handlers show the "expired or already
// used" page for it (errors.Is).
var ErrAccountLinkInvalid = models.Errorf(models.ENOTFOUND, "This link has expired or was already used.")

// ErrWrongCurrentPassword refuses a change that the account's current password
// must confirm. It is EUNAUTHORIZED, so the handler counts it like a failed login.
var ErrWrongCurrentPassword = models.Errorf(models.EUNAUTHORIZED, "That is not your current password.")

// AccountSecurityConfig sets the lifetimes of the mailed links and the mail.
type AccountSecurityConfig struct {
	PasswordResetTTL time.Duration // 0: DefaultPasswordResetTTL
	EmailChangeTTL   time.Duration // 0: DefaultEmailChangeTTL
	// Mails renders the links and notices; with the service's Jobs set they are
	// queued in the transaction of the change that causes them. Nil: no mail
	// (tests of the rules alone).
	Mails AccountMails
	// Now is the clock (nil: time.Now); tests move it to expire links.
	Now func() time.Time
}

// AccountMails renders the mail AccountSecurity queues. Views implement it
// (templ), so services never import views; every link in it starts with
// PUBLIC_URL, never with a request's Host.
type AccountMails interface {
	// PasswordReset mails the link that sets a new password; it works for ttl.
	PasswordReset(ctx context.Context, to, token string, ttl time.Duration) (models.Email, error)
	// PasswordChanged tells the user their password was changed (reset or changed).
	PasswordChanged(ctx context.Context, to string) (models.Email, error)
	// EmailChangeLink mails the new address the link that makes it the
	// account's; it works for ttl.
	EmailChangeLink(ctx context.Context, to, token string, ttl time.Duration) (models.Email, error)
	// EmailChangeTaken tells an address that already has an account that another
	// account asked to move to it, instead of a link.
	EmailChangeTaken(ctx context.Context, to string) (models.Email, error)
	// EmailChanged tells the old address that the account now uses newAddress.
	EmailChanged(ctx context.Context, oldAddress, newAddress string) (models.Email, error)
}

// AccountSecurity changes what signs a user in: password resets by mailed
// link, password changes, and email changes confirmed by a link mailed to the
// new address. Every password change, by any route, voids the user's open
// links. Each change and the mail it causes (the link, or a notice) commit in
// one transaction, so a mail goes out exactly when its change happened. It
// never touches sessions: the caller ends and renews them after the change.
type AccountSecurity struct {
	db     bun.IDB // the database, or the caller's transaction (WithTx)
	hasher *PasswordHasher
	jobs   *Jobs // queues the mail; nil: none (as with no Mails)
	cfg    AccountSecurityConfig
}

// NewAccountSecurity returns the service; jobs queues its mail (nil: none).
func NewAccountSecurity(db *bun.DB, hasher *PasswordHasher, jobs *Jobs, cfg AccountSecurityConfig) *AccountSecurity {
	if cfg.PasswordResetTTL <= 0 {
		cfg.PasswordResetTTL = DefaultPasswordResetTTL
	}
	if cfg.EmailChangeTTL <= 0 {
		cfg.EmailChangeTTL = DefaultEmailChangeTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &AccountSecurity{db: db, hasher: hasher, jobs: jobs, cfg: cfg}
}

// WithTx returns the service working inside tx, so that its writes commit or
// roll back with the caller's (a mail job queued in the same transaction, say):
// see InTx.
func (s *AccountSecurity) WithTx(tx bun.Tx) *AccountSecurity {
	inTx := *s
	inTx.db = tx
	return &inTx
}

// PasswordResetTTL is how long a mailed password-reset link works.
func (s *AccountSecurity) PasswordResetTTL() time.Duration { return s.cfg.PasswordResetTTL }

// EmailChangeTTL is how long a mailed email-change link works.
func (s *AccountSecurity) EmailChangeTTL() time.Duration { return s.cfg.EmailChangeTTL }

// now is the clock in the precision both databases keep.
func (s *AccountSecurity) now() time.Time { return s.cfg.Now().UTC().Truncate(time.Microsecond) }

// ChangePassword sets a new password for a signed-in user who proves they know
// the current one (ErrWrongCurrentPassword otherwise), under the sign-up rules
// (EINVALID on new_password), voids every open link of the user and queues the
// "password changed" notice. The caller ends the user's other sessions and
// renews this one.
func (s *AccountSecurity) ChangePassword(ctx context.Context, userID int64, current, newPassword string) (*models.User, error) {
	user, err := s.user(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	if err := s.verifyCurrent(ctx, user, current); err != nil {
		return nil, err
	}
	if msg := models.ValidatePassword(newPassword, user.Email); msg != "" {
		return nil, models.Invalid(map[string]string{"new_password": msg})
	}
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return nil, err
	}
	err = InTx(ctx, s.db, func(ctx context.Context, tx bun.Tx) error {
		if err := s.setPassword(ctx, tx, user.ID, hash); err != nil {
			return err
		}
		return s.queueMail(ctx, tx, func(m AccountMails) (models.Email, error) { return m.PasswordChanged(ctx, user.Email) })
	})
	if err != nil {
		return nil, dbError("account security: change password", err)
	}
	user.PasswordHash = hash
	return user, nil
}

// verifyCurrent checks the password a signed-in user typed to confirm a change.
func (s *AccountSecurity) verifyCurrent(ctx context.Context, user *models.User, current string) error {
	if current == "" || len(current) > 4*models.PasswordMaxLength {
		// No stored password is empty or that long: refuse before any hashing.
		return ErrWrongCurrentPassword
	}
	ok, _, err := s.hasher.Verify(ctx, current, user.PasswordHash)
	if err != nil {
		return err
	}
	if !ok {
		return ErrWrongCurrentPassword
	}
	return nil
}

// setPassword stores a new password hash and voids every open link of the
// user: a link mailed before the change must not undo it.
func (s *AccountSecurity) setPassword(ctx context.Context, db bun.IDB, userID int64, hash string) error {
	res, err := db.NewUpdate().Model((*models.User)(nil)).Set("password_hash = ?", hash).Where("id = ?", userID).Exec(ctx)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return ErrUserGone
	}
	return s.voidOpenTokens(ctx, db, userID, "")
}

// user returns the account with this id, or ErrUserGone.
func (s *AccountSecurity) user(ctx context.Context, db bun.IDB, id int64) (*models.User, error) {
	u := new(models.User)
	err := db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUserGone
	}
	if err != nil {
		return nil, dbError("account security: find user", err)
	}
	return u, nil
}

// queueMail renders a mail and queues it in tx, the transaction of the change
// that causes it. Without mail (no Mails or no Jobs) it does nothing. A mail
// that cannot be rendered or queued fails the change: a link nobody receives,
// or a password change the owner is not told of, must not happen silently.
func (s *AccountSecurity) queueMail(ctx context.Context, tx bun.Tx, render func(AccountMails) (models.Email, error)) error {
	if s.cfg.Mails == nil || s.jobs == nil {
		return nil
	}
	e, err := render(s.cfg.Mails)
	if err == nil {
		err = e.Validate()
	}
	if err != nil {
		// A bug (or PUBLIC_URL), not the user's input: %v keeps it from reading as EINVALID.
		return fmt.Errorf("account security: mail not rendered: %v", err)
	}
	return s.jobs.QueueEmail(ctx, tx, e)
}
