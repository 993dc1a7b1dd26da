package finance

import (
	"context"
	"time"

	"pilar/internal/money"
)

// Program is one support scheme in one fiscal year. Committed, Realized,
// Remaining and RecipientsReached are computed by the store when read.
type Program struct {
	ID                 int64         `json:"id"`
	Code               string        `json:"code"`
	Name               string        `json:"name"`
	Kind               string        `json:"kind"`
	FundingSource      string        `json:"funding_source"`
	AgencyID           int64         `json:"-"`
	Agency             string        `json:"agency" gorm:"->;column:agency_code"`
	FiscalYear         int           `json:"fiscal_year"`
	Budget             money.Amount  `json:"budget"`
	OriginalBudget     money.Amount  `json:"original_budget"`
	AmountPerRecipient *money.Amount `json:"amount_per_recipient"`
	// AmountPerRecipientStrict refuses other amounts instead of flagging them.
	AmountPerRecipientStrict bool       `json:"amount_per_recipient_strict"`
	TargetRecipients         int        `json:"target_recipients"`
	EligibleSizeClasses      StringList `json:"eligible_size_classes"`
	RegionCode               string     `json:"region_code"`
	StartsOn                 string     `json:"starts_on"`
	EndsOn                   string     `json:"ends_on"`
	Status                   string     `json:"status"`
	// ScheduleKind, SubsidyRate and Revolving are a credit program's:
	// how its loans are repaid, the interest subsidy it pays on them, and
	// whether principal repaid returns to the fund (credit.go).
	ScheduleKind      string       `json:"schedule_kind"`
	SubsidyRate       Rate         `json:"subsidy_rate"`
	Revolving         bool         `json:"revolving"`
	Committed         money.Amount `json:"committed" gorm:"->"`
	Realized          money.Amount `json:"realized" gorm:"->"`
	Remaining         money.Amount `json:"remaining" gorm:"-"`
	RecipientsReached int64        `json:"recipients_reached" gorm:"->"`
	// PrincipalRepaid is the principal repaid on the program's loans;
	// Available is what may still be committed: budget − committed, plus
	// principal repaid in a revolving program.
	PrincipalRepaid money.Amount `json:"principal_repaid" gorm:"->"`
	Available       money.Amount `json:"available" gorm:"-"`
	CreatedAt       time.Time    `json:"created_at"`
	UpdatedAt       time.Time    `json:"updated_at"`
}

// ProgramInput is what a client sends to create or change a program; on a
// change, nil fields stay as they are.
type ProgramInput struct {
	Code                     *string    `json:"code"`
	Name                     *string    `json:"name"`
	Kind                     *string    `json:"kind"`
	FundingSource            *string    `json:"funding_source"`
	Agency                   *string    `json:"agency"`
	FiscalYear               *int       `json:"fiscal_year"`
	Budget                   *money.Raw `json:"budget"`
	AmountPerRecipient       *money.Raw `json:"amount_per_recipient"`
	AmountPerRecipientStrict *bool      `json:"amount_per_recipient_strict"`
	TargetRecipients         *int       `json:"target_recipients"`
	EligibleSizeClasses      *[]string  `json:"eligible_size_classes"`
	RegionCode               *string    `json:"region_code"`
	StartsOn                 *string    `json:"starts_on"`
	EndsOn                   *string    `json:"ends_on"`
	Status                   *string    `json:"status"`
	ScheduleKind             *string    `json:"schedule_kind"`
	SubsidyRate              *money.Raw `json:"subsidy_rate"`
	Revolving                *bool      `json:"revolving"`
}

// NewProgram builds a program from input; the agency code is resolved by the
// caller. Errors: validation_failed.
func NewProgram(in ProgramInput) (*Program, error) {
	p := &Program{Status: "active", EligibleSizeClasses: StringList{}}
	f := Fields{}
	f.checkInput(in)
	if in.Budget == nil {
		f.Add("budget", "is required")
	} else if b, err := money.Parse(string(*in.Budget)); err != nil {
		f.AddMsg("budget", AmountMsg(err))
	} else {
		p.Budget, p.OriginalBudget = b, b
	}
	if in.Agency == nil {
		f.Add("agency", "is required")
	}
	p.apply(in, f)
	return p, f.Err()
}

// Patch changes the program with the fields present in the input. The budget
// changes only through a revision. Errors: validation_failed.
func (p *Program) Patch(in ProgramInput) error {
	f := Fields{}
	f.checkInput(in)
	if in.Budget != nil {
		f.Add("budget", "is changed only by a budget revision")
	}
	if in.Agency != nil && str(in.Agency) != p.Agency {
		f.Add("agency", "cannot be changed")
	}
	if in.Code != nil && str(in.Code) != p.Code {
		f.Add("code", "cannot be changed")
	}
	p.apply(in, f)
	return f.Err()
}

func (p *Program) apply(in ProgramInput, f Fields) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = str(src)
		}
	}
	set(&p.Code, in.Code)
	set(&p.Name, in.Name)
	set(&p.Kind, in.Kind)
	set(&p.FundingSource, in.FundingSource)
	set(&p.RegionCode, in.RegionCode)
	set(&p.StartsOn, in.StartsOn)
	set(&p.EndsOn, in.EndsOn)
	set(&p.Status, in.Status)
	if in.Agency != nil {
		p.Agency = str(in.Agency)
	}
	if in.FiscalYear != nil {
		p.FiscalYear = *in.FiscalYear
	}
	if in.TargetRecipients != nil {
		p.TargetRecipients = *in.TargetRecipients
	}
	if in.AmountPerRecipientStrict != nil {
		p.AmountPerRecipientStrict = *in.AmountPerRecipientStrict
	}
	p.applyCredit(in, f)
	if in.EligibleSizeClasses != nil {
		p.EligibleSizeClasses = StringList(*in.EligibleSizeClasses)
	}
	if in.AmountPerRecipient != nil {
		p.AmountPerRecipient = nil
		if *in.AmountPerRecipient != "" {
			a, err := money.Parse(string(*in.AmountPerRecipient))
			if err != nil {
				f.AddMsg("amount_per_recipient", AmountMsg(err))
			}
			p.AmountPerRecipient = &a
		}
	}
	p.validate(f)
}

func (p *Program) validate(f Fields) {
	if !codeRe.MatchString(p.Code) {
		f.Add("code", "must be 2 to 40 capital letters, digits, - or _ (such as DAK-PK-2024)")
	}
	if p.Name == "" {
		f.Add("name", "is required")
	}
	oneOf(f, "kind", p.Kind, ProgramKinds)
	oneOf(f, "funding_source", p.FundingSource, FundingSources)
	oneOf(f, "status", p.Status, ProgramStatuses)
	if p.FiscalYear < 2000 || p.FiscalYear > 2100 {
		f.Add("fiscal_year", "must be a year between 2000 and 2100")
	}
	if p.TargetRecipients < 0 {
		f.Add("target_recipients", "must not be negative")
	}
	for _, c := range p.EligibleSizeClasses {
		oneOf(f, "eligible_size_classes", c, SizeClasses)
	}
	if p.RegionCode != "" {
		if msg := regionMsg(p.RegionCode); msg.Key != "" {
			f.AddMsg("region_code", msg)
		}
	}
	for field, d := range map[string]string{"starts_on": p.StartsOn, "ends_on": p.EndsOn} {
		if msg := ValidDate(d); msg != "" {
			f.Add(field, msg)
		}
	}
	if p.EndsOn < p.StartsOn {
		f.Add("ends_on", "must not be before starts_on")
	}
	if p.AmountPerRecipient != nil && p.AmountPerRecipient.Cmp(p.Budget) > 0 {
		f.Add("amount_per_recipient", "must not exceed the budget")
	}
}

// Used is what the program holds against its budget: committed, less the
// principal repaid when it revolves (the fund lends that again).
func (p *Program) Used() money.Amount {
	return p.Committed.Sub(Relendable(p.Revolving, p.PrincipalRepaid))
}

// Relendable is the part of a program's principal repaid that returns to
// its budget: all of it in a revolving program (dana bergulir), none in
// any other, whose repayments go back to the treasury.
func Relendable(revolving bool, principalRepaid money.Amount) money.Amount {
	if revolving {
		return principalRepaid
	}
	return money.Zero
}

// ComputeRemaining sets Remaining = Budget - Committed, and Available
// (Remaining plus principal repaid, in a revolving program).
func (p *Program) ComputeRemaining() {
	p.Remaining = p.Budget.Sub(p.Committed)
	p.Available = p.Budget.Sub(p.Used())
}

// ProgramFilter narrows a program list.
type ProgramFilter struct {
	Year          int
	Agency        string
	FundingSource string
	Kind          string
	Status        string
	Page
}

// ProgramService manages programs.
type ProgramService interface {
	// CreateProgram adds a program. Errors: forbidden, validation_failed, duplicate.
	CreateProgram(ctx context.Context, in ProgramInput) (*Program, error)
	// FindProgramByCode returns one program. Errors: not_found, forbidden.
	FindProgramByCode(ctx context.Context, code string) (*Program, error)
	// FindPrograms lists the programs the actor may see, and the next cursor.
	FindPrograms(ctx context.Context, filter ProgramFilter) ([]*Program, string, error)
	// UpdateProgram changes a program. Errors: not_found, forbidden, validation_failed.
	UpdateProgram(ctx context.Context, code string, in ProgramInput) (*Program, error)
	// SumPrograms adds up the programs FindPrograms would list (every page).
	SumPrograms(ctx context.Context, filter ProgramFilter) (*ProgramTotals, error)
	// LatestFiscalYear is the latest fiscal year of the programs
	// FindPrograms would list (filter's year aside), 0 when there are none.
	// Errors: unauthorized.
	LatestFiscalYear(ctx context.Context, filter ProgramFilter) (int, error)
}

// ProgramTotals is the sum over a set of programs: how many (and how many
// active), their budgets, and what is committed and realized of them.
type ProgramTotals struct {
	Programs, Active            int64
	Budget, Committed, Realized money.Amount
}
