// The pieces every form and page repeats: a labelled text field, and what the API last said.
export function TextField(props: {
  label: string
  name: string
  value: string
  onValue: (value: string) => void
  required?: boolean
  type?: 'text' | 'url'
}) {
  return (
    <label>
      {props.label}
      <input
        name={props.name}
        type={props.type ?? 'text'}
        required={props.required}
        value={props.value}
        onInput={(event) => props.onValue(event.currentTarget.value)}
      />
    </label>
  )
}

/** The API's refusal (announced at once to screen readers) or the last action's success. */
export function Messages(props: { error: string | null; notice?: string | null }) {
  return (
    <div aria-live="polite">
      {props.error && (
        <p role="alert" class="error">
          {props.error}
        </p>
      )}
      {props.notice && <p class="notice">{props.notice}</p>}
    </div>
  )
}
