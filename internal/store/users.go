package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"pilar/internal/finance"
)

const userSelect = `SELECT ` + userColumns + ` FROM users u LEFT JOIN agencies a ON a.id = u.agency_id`

// userColumns are the columns of a finance.User, over users u and agencies a.
const userColumns = `u.*, COALESCE(a.code, '') AS agency_code`

// CreateUser adds a user with a bcrypt-hashed password, for an admin; the
// command line and the demo act as finance.System, as imports do. Without
// an actor it is refused, never skipped. Errors: unauthorized, forbidden,
// validation_failed, duplicate.
func (s *Store) CreateUser(ctx context.Context, in finance.UserInput) (*finance.User, error) {
	if _, err := finance.Authorize(ctx, finance.ActManageAdmin, nil); err != nil {
		return nil, err
	}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if err := in.Validate(); err != nil {
		return nil, err
	}
	ctx = s.stamp(ctx) // one timestamp for the row and its audit entry
	u := &finance.User{Email: in.Email, Name: in.Name, Role: in.Role, Active: true, CreatedAt: s.now(ctx)}
	if in.Agency != "" {
		a, err := s.agencyByCode(ctx, in.Agency)
		if err != nil {
			return nil, finance.FieldError("agency", "no agency has this code")
		}
		u.AgencyID, u.Agency = &a.ID, a.Code
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), s.PasswordCost)
	if err != nil {
		return nil, err
	}
	u.PasswordHash = string(hash)
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Create(u).Error; err != nil {
			return translate(err, "user "+u.Email)
		}
		return s.audit(ctx, "create", "user", u.ID, nil, u)
	})
	return u, err
}

// FindUserByEmail returns one user. Errors: not_found.
func (s *Store) FindUserByEmail(ctx context.Context, email string) (*finance.User, error) {
	var u finance.User
	err := s.conn(ctx).Raw(userSelect+" WHERE u.email = ?", strings.ToLower(email)).Take(&u).Error
	return &u, translate(err, "user "+email)
}

func (s *Store) userByID(ctx context.Context, id int64) (*finance.User, error) {
	var u finance.User
	err := s.conn(ctx).Raw(userSelect+" WHERE u.id = ?", id).Take(&u).Error
	return &u, translate(err, "user")
}

// SystemActor is the actor for work no person started, such as a
// command-line import without --as: the user row "Sistem" that migration
// 00050 creates, inactive and without a password so nobody signs in as it.
// Errors: not_found (a database whose migrations have not run).
func (s *Store) SystemActor(ctx context.Context) (*finance.Actor, error) {
	u, err := s.FindUserByEmail(ctx, finance.SystemEmail)
	if err != nil {
		return nil, err
	}
	return u.Actor(), nil
}

// FindUsers lists every user by email (admin, auditor).
// Errors: unauthorized, forbidden.
func (s *Store) FindUsers(ctx context.Context) ([]*finance.User, error) {
	if _, err := finance.Authorize(ctx, finance.ActReadAdmin, nil); err != nil {
		return nil, err
	}
	var out []*finance.User
	return out, s.conn(ctx).Raw(userSelect + " ORDER BY u.email").Scan(&out).Error
}

// DeactivateUser stops a user from signing in: the user is kept (the audit
// trail names them) but their sessions end and their tokens are revoked.
// Errors: unauthorized, forbidden, not_found, conflict (deactivating oneself).
func (s *Store) DeactivateUser(ctx context.Context, id int64) (*finance.User, error) {
	actor, err := finance.Authorize(ctx, finance.ActManageAdmin, nil)
	if err != nil {
		return nil, err
	}
	if actor.UserID == id {
		return nil, finance.Errorf(finance.EConflict, "you cannot deactivate yourself")
	}
	var out *finance.User
	err = s.InTx(ctx, func(ctx context.Context) error {
		u, err := s.userByID(ctx, id)
		if err != nil {
			return err
		}
		before := *u
		u.Active = false
		db := s.conn(ctx)
		if err := db.Exec("UPDATE users SET active = ? WHERE id = ?", false, id).Error; err != nil {
			return err
		}
		if err := db.Exec("DELETE FROM sessions WHERE user_id = ?", id).Error; err != nil {
			return err
		}
		if err := db.Exec("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", s.now(ctx), id).Error; err != nil {
			return err
		}
		out = u
		return s.audit(ctx, "deactivate", "user", id, before, u)
	})
	return out, err
}

// Authenticate checks an email and password sent from addr. The attempt
// is counted before the password is checked (countAttempt), so parallel
// guesses cannot outrun the limit; while the account or the address has
// failed too often, even a right password is refused. Every failure and
// every refusal is written to the audit trail. Errors: unauthorized (the
// same for unknown email and wrong password), too_many_requests.
func (s *Store) Authenticate(ctx context.Context, email, password, addr string) (*finance.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	attempt, before, err := s.countAttempt(ctx, email, addr)
	if err != nil {
		if finance.ErrorCode(err) == finance.ETooManyRequests {
			if aerr := s.audit(ctx, "sign_in_throttled", "user", email, nil, map[string]string{"addr": addr}); aerr != nil {
				return nil, aerr
			}
		}
		return nil, err
	}
	u, err := s.FindUserByEmail(ctx, email)
	if err != nil || !u.Active || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		if err := s.audit(ctx, "sign_in_failed", "user", email, nil, map[string]string{"addr": addr}); err != nil {
			return nil, err
		}
		return nil, finance.Errorf(finance.EUnauthorized, "wrong email or password")
	}
	err = s.InTx(ctx, func(ctx context.Context) error {
		if err := s.forgetAttempts(ctx, email, attempt); err != nil {
			return err
		}
		return s.audit(finance.WithActor(ctx, u.Actor()), "sign_in", "user", u.ID, nil,
			map[string]any{"addr": addr, "failures_before": before})
	})
	return u, err
}

func newSecret(prefix string) (secret, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = prefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, hashSecret(secret)
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken makes a new API token for an active user and returns its
// secret, which is not stored. It runs for an admin; the command line acts
// as finance.System. Without an actor it is refused, never skipped.
// Errors: unauthorized, forbidden, not_found, validation_failed (label).
func (s *Store) CreateToken(ctx context.Context, email, label string) (string, *finance.Token, error) {
	if _, err := finance.Authorize(ctx, finance.ActManageAdmin, nil); err != nil {
		return "", nil, err
	}
	f := finance.Fields{}
	finance.CheckText(f, "label", label, finance.MaxNameLength)
	finance.CheckText(f, "email", email, finance.TextLimit("email"))
	if err := f.Err(); err != nil {
		return "", nil, err
	}
	u, err := s.FindUserByEmail(ctx, strings.TrimSpace(email))
	if err == nil && !u.Active {
		err = finance.Errorf(finance.ENotFound, "user %s is deactivated", u.Email)
	}
	if err != nil {
		return "", nil, err
	}
	secret, hash := newSecret("pilar_")
	ctx = s.stamp(ctx) // one timestamp for the row and its audit entry
	t := &finance.Token{UserID: u.ID, User: u.Email, Label: label, CreatedAt: s.now(ctx)}
	err = s.InTx(ctx, func(ctx context.Context) error {
		row := map[string]any{"user_id": t.UserID, "label": label, "token_hash": hash, "created_at": t.CreatedAt}
		if err := s.conn(ctx).Table("api_tokens").Create(row).Error; err != nil {
			return err
		}
		if err := s.conn(ctx).Raw("SELECT id FROM api_tokens WHERE token_hash = ?", hash).Scan(&t.ID).Error; err != nil {
			return err
		}
		return s.audit(ctx, "create", "api_token", t.ID, nil, t)
	})
	return secret, t, err
}

// FindTokens lists every API token, newest first, without secrets (admin,
// auditor). Errors: unauthorized, forbidden.
func (s *Store) FindTokens(ctx context.Context) ([]*finance.Token, error) {
	if _, err := finance.Authorize(ctx, finance.ActReadAdmin, nil); err != nil {
		return nil, err
	}
	var out []*finance.Token
	return out, s.conn(ctx).Raw(`SELECT t.id, t.user_id, u.email AS user_email, t.label, t.created_at, t.last_used_at, t.revoked_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC`).Scan(&out).Error
}

// RevokeToken voids a live token for good (admin).
// Errors: unauthorized, forbidden, not_found (no such live token).
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	if _, err := finance.Authorize(ctx, finance.ActManageAdmin, nil); err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Exec("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", s.now(ctx), id)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return finance.Errorf(finance.ENotFound, "no live API token has this id")
		}
		return s.audit(ctx, "revoke", "api_token", id, nil, nil)
	})
}

// UserByToken returns the active owner of a live token. When the token was
// last used a minute ago or more, the time is written after the request,
// outside its path: a read never needs SQLite's write lock (issue 17,
// item 9). Errors: unauthorized.
func (s *Store) UserByToken(ctx context.Context, secret string) (*finance.User, error) {
	// One query for the token and its owner: on SQLite each read after
	// another connection's commit starts with a cold page cache, so a
	// query less per request is a few pages read less.
	var rows []struct {
		finance.User `gorm:"embedded"`
		TokenUsedAt  *time.Time
	}
	hash := hashSecret(secret)
	err := s.conn(ctx).Raw(`SELECT `+userColumns+`, t.last_used_at AS token_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id LEFT JOIN agencies a ON a.id = u.agency_id
		WHERE t.id = `+oneBound("id", "api_tokens", "token_hash")+` AND t.revoked_at IS NULL AND u.active`, hash).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	if len(rows) != 1 {
		return nil, finance.Errorf(finance.EUnauthorized, "the API token is not valid")
	}
	if now := s.Now(); rows[0].TokenUsedAt == nil || now.Sub(*rows[0].TokenUsedAt) >= time.Minute {
		s.touch("token:"+hash, "UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?", now, hash)
	}
	return &rows[0].User, nil
}

// CreateSession starts a session for the user and returns its id, which the
// browser keeps in a cookie; only its hash is stored.
func (s *Store) CreateSession(ctx context.Context, u *finance.User) (string, error) {
	id, hash := newSecret("")
	csrf, _ := newSecret("")
	now := s.now(ctx)
	err := s.conn(ctx).Exec(`INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`,
		hash, u.ID, csrf, now, now).Error
	return id, err
}

// SessionByID returns the live session with this id and marks it seen; a
// session idle longer than idle or older than absolute is ended. Errors: unauthorized.
func (s *Store) SessionByID(ctx context.Context, id string, idle, absolute time.Duration) (*finance.Session, error) {
	var row struct {
		UserID     int64
		CSRFToken  string `gorm:"column:csrf_token"`
		CreatedAt  time.Time
		LastSeenAt time.Time
	}
	hash := hashSecret(id)
	err := s.conn(ctx).Raw("SELECT user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = ?", hash).Take(&row).Error
	if err != nil {
		return nil, finance.Errorf(finance.EUnauthorized, "your session has ended; sign in again")
	}
	now := s.now(ctx)
	if now.Sub(row.LastSeenAt) > idle || now.Sub(row.CreatedAt) > absolute {
		s.conn(ctx).Exec("DELETE FROM sessions WHERE id_hash = ?", hash)
		return nil, finance.Errorf(finance.EUnauthorized, "your session has ended; sign in again")
	}
	u, err := s.userByID(ctx, row.UserID)
	if err != nil || !u.Active {
		return nil, finance.Errorf(finance.EUnauthorized, "your session has ended; sign in again")
	}
	if now.Sub(row.LastSeenAt) > time.Minute {
		s.touch("session:"+hash, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", now, hash)
	}
	return &finance.Session{User: u, CSRF: row.CSRFToken}, nil
}

// DeleteSession ends one session.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return s.conn(ctx).Exec("DELETE FROM sessions WHERE id_hash = ?", hashSecret(id)).Error
}

// DeleteUserSessions ends every session of the user in ctx, in every
// browser (sign out everywhere). Errors: unauthorized.
func (s *Store) DeleteUserSessions(ctx context.Context) error {
	a, err := finance.AuthorizeRead(ctx, nil)
	if err != nil {
		return err
	}
	return s.InTx(ctx, func(ctx context.Context) error {
		if err := s.conn(ctx).Exec("DELETE FROM sessions WHERE user_id = ?", a.UserID).Error; err != nil {
			return err
		}
		return s.audit(ctx, "sign_out_everywhere", "user", a.UserID, nil, nil)
	})
}
