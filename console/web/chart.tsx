import { useEffect, useRef } from 'preact/hooks';
import uPlot, { type AlignedData, type Options } from 'uplot';

export interface ChartSeries {
  label: string;
  values: ReadonlyArray<number | null>;
  /** A CSS variable name (`--canary`) or a colour. */
  color: string;
  dash?: boolean;
  /** Draw as steps (weights change in steps). */
  stepped?: boolean;
}

export interface ChartProps {
  title: string;
  /** What the chart shows in one sentence, for screen readers (the table beside it has the numbers). */
  description: string;
  x: ReadonlyArray<number>;
  series: ChartSeries[];
  unit: string;
  yRange?: [number, number];
}

const css = (name: string): string => (name.startsWith('--') ? getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888' : name);

/** A uPlot line chart that follows its container's width and updates in place when the data changes. */
export function Chart(props: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = `${props.series.map((s) => s.label).join('|')}|${props.unit}`;

  useEffect(() => {
    const el = holder.current!;
    const fg = css('--muted');
    const grid = css('--grid');
    const options: Options = {
      width: Math.max(240, el.clientWidth),
      height: 200,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false }, y: props.yRange ? { range: props.yRange } : { auto: true } },
      axes: [
        { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid }, values: (_u, ticks) => ticks.map((t) => `${t}s`) },
        { stroke: fg, grid: { stroke: grid }, ticks: { stroke: grid }, size: 56, values: (_u, ticks) => ticks.map((t) => `${t}${props.unit}`) },
      ],
      series: [
        { label: 't' },
        ...props.series.map((s) => ({
          label: s.label,
          stroke: css(s.color),
          width: 2,
          spanGaps: true,
          ...(s.dash ? { dash: [6, 4] } : {}),
          ...(s.stepped ? { paths: uPlot.paths.stepped!({ align: 1 }) } : {}),
          points: { show: props.x.length < 40 },
        })),
      ],
    };
    plot.current = new uPlot(options, data(props), el);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(240, el.clientWidth), height: 200 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [shape]);

  useEffect(() => {
    plot.current?.setData(data(props));
  }, [props.x, props.series]);

  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      <div ref={holder} role="img" aria-label={`${props.title}: ${props.description}`} />
    </figure>
  );
}

const data = (props: ChartProps): AlignedData => [Array.from(props.x), ...props.series.map((s) => Array.from(s.values))] as AlignedData;
