package finance

import (
	"context"
	"net/mail"
	"time"
)

// User is a person who signs in to Pilar.
type User struct {
	ID           int64     `json:"id"`
	Email        string    `json:"email"`
	Name         string    `json:"name"`
	Role         string    `json:"role"`
	AgencyID     *int64    `json:"-"`
	Agency       string    `json:"agency" gorm:"->;column:agency_code"`
	PasswordHash string    `json:"-"`
	Active       bool      `json:"active"`
	CreatedAt    time.Time `json:"created_at"`
}

// Actor returns the user as the actor of service calls.
func (u *User) Actor() *Actor {
	return &Actor{UserID: u.ID, Email: u.Email, Name: u.Name, Role: u.Role, AgencyID: u.AgencyID, AgencyCode: u.Agency}
}

// UserInput is what an admin gives to add a user.
type UserInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Agency   string `json:"agency"`
	Password string `json:"password"`
}

// MinPasswordLength is the shortest password Pilar accepts.
const MinPasswordLength = 10

// Validate checks the input; the agency is resolved by the caller.
// Errors: validation_failed.
func (in *UserInput) Validate() error {
	f := Fields{}
	f.checkInput(in)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		f.Add("email", "must be an email address")
	}
	if in.Name == "" {
		f.Add("name", "is required")
	}
	oneOf(f, "role", in.Role, Roles)
	needsAgency := in.Role == RoleOfficer || in.Role == RoleReviewer
	if needsAgency && in.Agency == "" {
		f.Add("agency", "is required for officers and reviewers")
	}
	if !needsAgency && in.Agency != "" {
		f.Add("agency", "only officers and reviewers belong to an agency")
	}
	if msg := CheckPassword(in.Password); msg != "" {
		f.Add("password", msg)
	}
	return f.Err()
}

// CheckPassword says what is wrong with a new password, or "".
func CheckPassword(pw string) string {
	if len([]rune(pw)) < MinPasswordLength {
		return "must be at least 10 characters"
	}
	if commonPasswords[pw] {
		return "is one of the most common passwords; choose another"
	}
	return ""
}

var commonPasswords = map[string]bool{
	"1234567890": true, "12345678910": true, "123456789a": true, "qwertyuiop": true,
	"password123": true, "password1234": true, "1q2w3e4r5t": true, "iloveyou123": true,
	"0987654321": true, "1111111111": true, "0000000000": true, "abcdefghij": true,
	"passw0rd123": true, "qwerty12345": true, "admin12345": true, "administrator": true,
	"indonesia123": true, "bismillah123": true, "sayang12345": true, "rahasia123": true,
}

// Token is an API token; only its hash is stored.
type Token struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"-"`
	User       string     `json:"user" gorm:"->;column:user_email"`
	Label      string     `json:"label"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// Sign-in throttling: within SignInWindow, an account may fail
// MaxFailuresPerAccount times and an address MaxFailuresPerAddr times before
// further attempts are refused with too_many_requests.
const (
	SignInWindow          = 15 * time.Minute
	MaxFailuresPerAccount = 5
	MaxFailuresPerAddr    = 20
)

// UserService manages users, their passwords and API tokens.
type UserService interface {
	// CreateUser adds a user. Errors: forbidden, validation_failed, duplicate.
	CreateUser(ctx context.Context, in UserInput) (*User, error)
	// FindUsers lists every user by email (admin, auditor). Errors: forbidden.
	FindUsers(ctx context.Context) ([]*User, error)
	// DeactivateUser stops a user from signing in, ends their sessions and
	// voids their tokens (admin). Errors: forbidden, not_found, conflict (oneself).
	DeactivateUser(ctx context.Context, id int64) (*User, error)
	// Authenticate checks an email and password sent from addr, refusing
	// while the account or the address has failed too often.
	// Errors: unauthorized, too_many_requests.
	Authenticate(ctx context.Context, email, password, addr string) (*User, error)
	// CreateToken makes a new API token for the user and returns its secret
	// once (admin, or the command line). Errors: forbidden, not_found.
	CreateToken(ctx context.Context, email, label string) (string, *Token, error)
	// FindTokens lists every API token, newest first (admin, auditor).
	// Errors: forbidden.
	FindTokens(ctx context.Context) ([]*Token, error)
	// RevokeToken voids a token for good (admin). Errors: forbidden, not_found.
	RevokeToken(ctx context.Context, id int64) error
	// UserByToken returns the active user owning a live token and records its
	// use. Errors: unauthorized.
	UserByToken(ctx context.Context, secret string) (*User, error)
}

// Session is a signed-in browser: its user and the token its forms carry
// against cross-site request forgery.
type Session struct {
	User *User
	CSRF string
}

// SessionService keeps browser sessions server-side, so that several Pilar
// processes can share them through one database.
type SessionService interface {
	// CreateSession starts a session and returns its id for the cookie.
	CreateSession(ctx context.Context, u *User) (string, error)
	// SessionByID returns a live session and marks it seen; an idle or too
	// old one is ended. Errors: unauthorized.
	SessionByID(ctx context.Context, id string, idle, absolute time.Duration) (*Session, error)
	// DeleteSession ends one session.
	DeleteSession(ctx context.Context, id string) error
	// DeleteUserSessions ends every session of the user in ctx (sign out
	// everywhere). Errors: unauthorized.
	DeleteUserSessions(ctx context.Context) error
}
