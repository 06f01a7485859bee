package services

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the cost parameters of an argon2id hash. They are encoded in
// every hash, so raising them later re-hashes old passwords on their next login.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// OWASPArgon2 is the OWASP Password Storage Cheat Sheet minimum: m=19 MiB, t=2, p=1.
var OWASPArgon2 = Argon2Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// errMalformedHash marks a stored hash we cannot parse; it never verifies.
var errMalformedHash = errors.New("password: malformed hash")

// PasswordHasher hashes and verifies passwords with argon2id. Hashing is
// CPU- and memory-heavy by design, so at most one hash per core runs at once:
// a login burst queues instead of starving page rendering and memory.
type PasswordHasher struct {
	params Argon2Params
	slots  chan struct{}
	// dummy is verified for unknown emails so that the time of a failed login does
	// not reveal whether the account exists.
	dummy string
}

// NewPasswordHasher returns a hasher using params.
func NewPasswordHasher(params Argon2Params) (*PasswordHasher, error) {
	h := &PasswordHasher{params: params, slots: make(chan struct{}, runtime.GOMAXPROCS(0))}
	dummy, err := h.Hash(context.Background(), "dummy password that never matches anything")
	if err != nil {
		return nil, err
	}
	h.dummy = dummy
	return h, nil
}

// Hash returns the PHC-style encoding $argon2id$v=19$m=..,t=..,p=..$salt$key.
func (h *PasswordHasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.params.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: salt: %w", err)
	}
	key, err := h.derive(ctx, password, salt, h.params)
	if err != nil {
		return "", err
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.Memory, h.params.Time, h.params.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, using the parameters stored in
// encoded. rehash is true when encoded uses weaker parameters than the current ones.
func (h *PasswordHasher) Verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		// A stored value we cannot parse never matches, after the same effort as one that could.
		return false, false, h.VerifyDummy(ctx, password)
	}
	got, err := h.derive(ctx, password, salt, p)
	if err != nil {
		return false, false, err
	}
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	rehash = p.Memory < h.params.Memory || p.Time < h.params.Time || p.Threads != h.params.Threads ||
		uint32(len(want)) < h.params.KeyLen
	return true, rehash, nil
}

// VerifyDummy spends the time of one verification and matches nothing. It is
// used for unknown emails so a failed login takes as long whether or not the
// account exists.
func (h *PasswordHasher) VerifyDummy(ctx context.Context, password string) error {
	p, salt, want, _ := decodeHash(h.dummy) // our own encoding: always parses
	got, err := h.derive(ctx, password, salt, p)
	if err != nil {
		return err
	}
	subtle.ConstantTimeCompare(got, want)
	return nil
}

// derive runs argon2id inside a concurrency slot.
func (h *PasswordHasher) derive(ctx context.Context, password string, salt []byte, p Argon2Params) ([]byte, error) {
	select {
	case h.slots <- struct{}{}:
	case <-ctx.Done():
		// More logins than the CPU can hash within the request's deadline: shed
		// the excess with a 503 and Retry-After rather than a 500.
		return nil, unavailable("password: no hashing slot before the deadline", ctx.Err())
	}
	defer func() { <-h.slots }()
	return argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen), nil
}

func decodeHash(encoded string) (Argon2Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return Argon2Params{}, nil, nil, errMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Argon2Params{}, nil, nil, errMalformedHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return Argon2Params{}, nil, nil, errMalformedHash
	}
	// Refuse absurd stored parameters rather than let a bad row exhaust memory.
	if p.Memory == 0 || p.Memory > 1<<20 || p.Time == 0 || p.Time > 16 || p.Threads == 0 {
		return Argon2Params{}, nil, nil, errMalformedHash
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return Argon2Params{}, nil, nil, errMalformedHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 {
		return Argon2Params{}, nil, nil, errMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}
