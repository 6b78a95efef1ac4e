// A GOV.UK select with its label, hint and inline error; the first option is the "nothing chosen" one.
import { controlOf, Field, type FieldProps } from './field.js';

export interface SelectProps extends Omit<FieldProps, 'children' | 'labelIsHeading'> {
  name?: string;
  /** The option for no choice (value ''), e.g. "Any". */
  none: string;
  options: Array<{ value: string; text: string }>;
  value?: string;
}

export function Select(p: SelectProps) {
  return (
    <Field {...p}>
      <select {...controlOf('select', p)}>
        <option value="">{p.none}</option>
        {p.options.map((o) => (
          <option value={o.value} selected={p.value === o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </Field>
  );
}
