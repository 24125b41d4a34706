/** 1 h, 6 h, 24 h, 7 d, or a custom window of at most 32 days. */
import { useEffect, useState } from "react";
import VscodeButton from "@vscode-elements/react-elements/dist/components/VscodeButton.js";
import VscodeOption from "@vscode-elements/react-elements/dist/components/VscodeOption.js";
import VscodeSingleSelect from "@vscode-elements/react-elements/dist/components/VscodeSingleSelect.js";
import VscodeTextfield from "@vscode-elements/react-elements/dist/components/VscodeTextfield.js";
import { RangeSpec } from "../../src/shared/protocol/latency";

const presets = [
  ["1h", "Last hour"],
  ["6h", "Last 6 hours"],
  ["24h", "Last 24 hours"],
  ["7d", "Last 7 days"],
  ["custom", "Custom…"],
] as const;

/** datetime-local speaks the viewer's local time without a zone: "2026-11-30T21:54". */
function toLocalInput(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  const p = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function fromLocalInput(text: string): number {
  return new Date(text).getTime() / 1000;
}

export interface RangePickerProps {
  readonly range: RangeSpec;
  readonly onChange: (range: RangeSpec) => void;
}

export function RangePicker({ range, onChange }: RangePickerProps): React.JSX.Element {
  const [choice, setChoice] = useState<string>(range.preset);
  // The host decides the range too (a restored panel, a view for another range): follow it.
  useEffect(() => setChoice(range.preset), [range.preset]);
  const now = Math.floor(Date.now() / 1000);
  const [start, setStart] = useState(toLocalInput(range.preset === "custom" ? range.start : now - 86_400));
  const [end, setEnd] = useState(toLocalInput(range.preset === "custom" ? range.end : now));
  const custom = RangeSpec.safeParse({ preset: "custom", start: fromLocalInput(start), end: fromLocalInput(end) });
  return (
    <div className="range-picker" data-testid="range-picker">
      <label htmlFor="range-select">Range</label>
      <VscodeSingleSelect
        id="range-select"
        value={choice}
        data-testid="range-select"
        onChange={(e) => {
          const value = (e.currentTarget as unknown as { value: string }).value;
          setChoice(value);
          if (value !== "custom") {
            const parsed = RangeSpec.safeParse({ preset: value });
            if (parsed.success) onChange(parsed.data);
          }
        }}
      >
        {presets.map(([value, label]) => (
          <VscodeOption key={value} value={value}>
            {label}
          </VscodeOption>
        ))}
      </VscodeSingleSelect>
      {choice === "custom" && (
        <div className="range-custom" data-testid="range-custom">
          <label htmlFor="range-start">From</label>
          <VscodeTextfield id="range-start" type="datetime-local" value={start} onInput={(e) => setStart((e.currentTarget as unknown as { value: string }).value)} />
          <label htmlFor="range-end">To</label>
          <VscodeTextfield id="range-end" type="datetime-local" value={end} onInput={(e) => setEnd((e.currentTarget as unknown as { value: string }).value)} />
          <VscodeButton disabled={!custom.success} onClick={() => custom.success && onChange(custom.data)} data-testid="range-apply">
            Apply
          </VscodeButton>
          {!custom.success && <span className="range-error">The range must end after it starts and span at most 32 days.</span>}
        </div>
      )}
    </div>
  );
}
