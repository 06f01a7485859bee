package services

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/uptrace/bun"

	"github.com/storefront/storefront/models"
)

// A failed login has one answer whatever failed; only the log (LoginFailureReason) tells which.
var (
	errUnknownEmail  = badCredentials(LoginUnknownEmail)
	errWrongPassword = badCredentials(LoginWrongPassword)
)

// The reasons LoginFailureReason gives.
const (
	LoginUnknownEmail  = "unknown_email"
	LoginWrongPassword = "wrong_password"
)

type loginFailure string

func (f loginFailure) Error() string { return "login failed: " + string(f) }

func badCredentials(reason loginFailure) *models.Error {
	return &models.Error{Code: models.EUNAUTHORIZED, Message: models.BadCredentialsMessage, Err: reason}
}

// LoginFailureReason says why Authenticate refused (LoginUnknownEmail or
// LoginWrongPassword), for the security log only; "" for any other error.
func LoginFailureReason(err error) string {
	var f loginFailure
	if errors.As(err, &f) {
		return string(f)
	}
	return ""
}

// Accounts creates and authenticates seller accounts.
type Accounts struct {
	db     bun.IDB // the database, or the caller's transaction (WithTx)
	hasher *PasswordHasher
	// existing answers UserExists for every signed-in request, batched, always
	// on the database itself (never inside a caller's transaction).
	existing *batchedLookups[int64, SignedInUser]
	// existingWithCart answers SignedInUserWithCart (the cart page) the same way.
	existingWithCart *batchedLookups[int64, SignedInUser]
	now              func() time.Time
}

// NewAccounts returns the account service.
func NewAccounts(db *bun.DB, hasher *PasswordHasher) *Accounts {
	a := &Accounts{db: db, hasher: hasher, now: time.Now}
	a.existing = &batchedLookups[int64, SignedInUser]{fetch: a.signedInUsers}
	a.existingWithCart = &batchedLookups[int64, SignedInUser]{fetch: a.signedInUsersWithCart}
	return a
}

// WithTx returns the account service working inside tx, so that its writes become
// part of the caller's operation (see InTx) and commit or roll back with it.
func (a *Accounts) WithTx(tx bun.Tx) *Accounts {
	inTx := *a
	inTx.db = tx
	return &inTx
}

// SignUp validates the credentials and creates the account. It returns EINVALID
// with per-field messages (including a taken email) and creates nothing then.
func (a *Accounts) SignUp(ctx context.Context, cred models.Credentials) (*models.User, error) {
	if err := cred.ValidateSignup(); err != nil {
		return nil, err
	}
	hash, err := a.hasher.Hash(ctx, cred.Password)
	if err != nil {
		return nil, err
	}
	u := &models.User{Email: cred.Email, PasswordHash: hash, CreatedAt: a.now().UTC().Truncate(time.Microsecond)}
	// Insert and catch the unique violation rather than check first: two sign-ups
	// racing for one address must not both succeed.
	if _, err := a.db.NewInsert().Model(u).Returning("id").Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			return nil, models.Invalid(map[string]string{"email": models.EmailTaken})
		}
		return nil, dbError("accounts: create user", err)
	}
	return u, nil
}

// Authenticate returns the user whose credentials these are, or EUNAUTHORIZED with
// one message for a wrong password and an unknown email alike, after the same work.
func (a *Accounts) Authenticate(ctx context.Context, cred models.Credentials) (*models.User, error) {
	if err := cred.ValidateLogin(); err != nil {
		return nil, err
	}
	u := new(models.User)
	err := a.db.NewSelect().Model(u).Where("email = ?", cred.Email).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		if err := a.hasher.VerifyDummy(ctx, cred.Password); err != nil {
			return nil, err
		}
		return nil, errUnknownEmail
	}
	if err != nil {
		return nil, dbError("accounts: find user", err)
	}
	ok, rehash, err := a.hasher.Verify(ctx, cred.Password, u.PasswordHash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errWrongPassword
	}
	if rehash {
		a.upgradeHash(ctx, u, cred.Password)
	}
	return u, nil
}

// upgradeHash re-hashes with the current parameters after a successful login. A
// failure is not the user's problem: the old hash still works.
func (a *Accounts) upgradeHash(ctx context.Context, u *models.User, password string) {
	hash, err := a.hasher.Hash(ctx, password)
	if err != nil {
		return
	}
	if _, err := a.db.NewUpdate().Model(u).Set("password_hash = ?", hash).WherePK().Exec(ctx); err == nil {
		u.PasswordHash = hash
	}
}

// UserByID returns the user, or ENOTFOUND.
func (a *Accounts) UserByID(ctx context.Context, id int64) (*models.User, error) {
	u := new(models.User)
	err := a.db.NewSelect().Model(u).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrUserGone
	}
	if err != nil {
		return nil, dbError("accounts: find user by id", err)
	}
	return u, nil
}

// CountUsers returns the number of accounts.
func (a *Accounts) CountUsers(ctx context.Context) (int64, error) {
	n, err := a.db.NewSelect().Model((*models.User)(nil)).Count(ctx)
	return n, dbError("accounts: count users", err)
}
