package bwvoice

// Values that carry webhook passwords print them hidden: fmt (every verb,
// %v and %#v included, through Format), String, GoString, and log/slog
// (LogValue, whose value encoding/json can marshal too). Each type has a
// twin without methods (…Fields), which fmt and slog print field by field
// from a copy whose passwords are hidden.

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// hiddenPassword is what a set password is shown as; an empty one stays
// empty, to show that it is not set.
const hiddenPassword = "*****"

func hide(password string) string {
	if password == "" {
		return ""
	}
	return hiddenPassword
}

// formatHidden prints view, the Fields twin of a value of type name with
// its passwords hidden, as fmt would print that value.
func formatHidden(f fmt.State, verb rune, name string, view any) {
	text := fmt.Sprintf(fmt.FormatString(f, verb), view)
	if verb == 'v' && f.Flag('#') {
		text = strings.Replace(text, fmt.Sprintf("%T", view), "bwvoice."+name, 1)
	}
	_, _ = io.WriteString(f, text)
}

type createCallRequestFields CreateCallRequest

func (r CreateCallRequest) hidden() createCallRequestFields {
	r.Password, r.FallbackPassword = hide(r.Password), hide(r.FallbackPassword)
	if r.MachineDetection != nil {
		md := r.MachineDetection.hidden()
		r.MachineDetection = (*MachineDetection)(&md)
	}
	return createCallRequestFields(r)
}

// Format prints r with its passwords (the machine detection's too) hidden.
func (r CreateCallRequest) Format(f fmt.State, verb rune) {
	formatHidden(f, verb, "CreateCallRequest", r.hidden())
}

// String is r as %v prints it, passwords hidden.
func (r CreateCallRequest) String() string { return fmt.Sprint(r) }

// GoString is r as %#v prints it, passwords hidden.
func (r CreateCallRequest) GoString() string { return fmt.Sprintf("%#v", r) }

// LogValue is r for log/slog, passwords hidden.
func (r CreateCallRequest) LogValue() slog.Value { return slog.AnyValue(r.hidden()) }

type machineDetectionFields MachineDetection

func (d MachineDetection) hidden() machineDetectionFields {
	d.Password, d.FallbackPassword = hide(d.Password), hide(d.FallbackPassword)
	return machineDetectionFields(d)
}

// Format prints d with its passwords hidden.
func (d MachineDetection) Format(f fmt.State, verb rune) {
	formatHidden(f, verb, "MachineDetection", d.hidden())
}

// String is d as %v prints it, passwords hidden.
func (d MachineDetection) String() string { return fmt.Sprint(d) }

// GoString is d as %#v prints it, passwords hidden.
func (d MachineDetection) GoString() string { return fmt.Sprintf("%#v", d) }

// LogValue is d for log/slog, passwords hidden.
func (d MachineDetection) LogValue() slog.Value { return slog.AnyValue(d.hidden()) }

type createdCallFields CreatedCall

// hidden hides the passwords even though Bandwidth masks them as a rule.
func (c CreatedCall) hidden() createdCallFields {
	c.Password, c.FallbackPassword = hide(c.Password), hide(c.FallbackPassword)
	return createdCallFields(c)
}

// Format prints c with its passwords hidden.
func (c CreatedCall) Format(f fmt.State, verb rune) {
	formatHidden(f, verb, "CreatedCall", c.hidden())
}

// String is c as %v prints it, passwords hidden.
func (c CreatedCall) String() string { return fmt.Sprint(c) }

// GoString is c as %#v prints it, passwords hidden.
func (c CreatedCall) GoString() string { return fmt.Sprintf("%#v", c) }

// LogValue is c for log/slog, passwords hidden.
func (c CreatedCall) LogValue() slog.Value { return slog.AnyValue(c.hidden()) }

type updateConferenceRequestFields UpdateConferenceRequest

func (r UpdateConferenceRequest) hidden() updateConferenceRequestFields {
	r.Password, r.FallbackPassword = hide(r.Password), hide(r.FallbackPassword)
	return updateConferenceRequestFields(r)
}

// Format prints r with its passwords hidden.
func (r UpdateConferenceRequest) Format(f fmt.State, verb rune) {
	formatHidden(f, verb, "UpdateConferenceRequest", r.hidden())
}

// String is r as %v prints it, passwords hidden.
func (r UpdateConferenceRequest) String() string { return fmt.Sprint(r) }

// GoString is r as %#v prints it, passwords hidden.
func (r UpdateConferenceRequest) GoString() string { return fmt.Sprintf("%#v", r) }

// LogValue is r for log/slog, passwords hidden.
func (r UpdateConferenceRequest) LogValue() slog.Value { return slog.AnyValue(r.hidden()) }

type modifyCallRequestFields ModifyCallRequest

func (r ModifyCallRequest) hidden() modifyCallRequestFields {
	r.Password, r.FallbackPassword = hide(r.Password), hide(r.FallbackPassword)
	return modifyCallRequestFields(r)
}

// Format prints r with its passwords hidden.
func (r ModifyCallRequest) Format(f fmt.State, verb rune) {
	formatHidden(f, verb, "ModifyCallRequest", r.hidden())
}

// String is r as %v prints it, passwords hidden.
func (r ModifyCallRequest) String() string { return fmt.Sprint(r) }

// GoString is r as %#v prints it, passwords hidden.
func (r ModifyCallRequest) GoString() string { return fmt.Sprintf("%#v", r) }

// LogValue is r for log/slog, passwords hidden.
func (r ModifyCallRequest) LogValue() slog.Value { return slog.AnyValue(r.hidden()) }
