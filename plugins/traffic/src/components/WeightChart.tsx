import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { Typography, useTheme } from '@material-ui/core';
import {
  TrafficChangeRecord,
  TrafficRoute,
} from '@groundcrew/plugin-infra-common';

interface Point {
  t: number;
  percent: number;
  actor?: string;
  reason?: string;
}

const seriesKey = (route: string, cluster: string) => `${route} @ ${cluster}`;

/** Per route and cluster: the share before the first change, after each change, and now. */
export function chartSeries(
  routes: TrafficRoute[],
  history: TrafficChangeRecord[],
  now = Date.now(),
) {
  const series = new Map<string, Point[]>();
  for (const change of history) {
    const key = seriesKey(change.route, change.cluster);
    const t = Date.parse(change.time);
    let points = series.get(key);
    if (!points) {
      points = [{ t: t - 1, percent: change.before }];
      series.set(key, points);
    }
    points.push({
      t,
      percent: change.after,
      actor: change.actor,
      reason: change.reason,
    });
  }
  for (const route of routes) {
    if (route.canaryPercent === null) continue;
    const key = seriesKey(route.route, route.cluster);
    const points = series.get(key) ?? [];
    points.push({ t: now, percent: route.canaryPercent });
    series.set(key, points);
  }
  return [...series.entries()].map(([name, points]) => ({ name, points }));
}

const COLORS = [
  '#e65100',
  '#1565c0',
  '#2e7d32',
  '#6a1b9a',
  '#00838f',
  '#ad1457',
];

function ChangeTooltip(props: {
  active?: boolean;
  payload?: Array<{ payload: Point; name: string }>;
}) {
  const theme = useTheme();
  const item = props.active ? props.payload?.[0] : undefined;
  if (!item) return null;
  const p = item.payload;
  return (
    <div
      style={{
        background: theme.palette.background.paper,
        border: `1px solid ${theme.palette.divider}`,
        padding: 8,
      }}
    >
      <Typography variant="caption" display="block">
        {item.name}
      </Typography>
      <Typography variant="body2">
        <strong>{p.percent}%</strong> · {new Date(p.t).toLocaleString()}
      </Typography>
      {p.actor && (
        <Typography variant="caption" display="block">
          by {p.actor}: {p.reason}
        </Typography>
      )}
    </div>
  );
}

/** The canary's share over time, with who changed it and why (in the tooltip). */
export function WeightChart(props: {
  routes: TrafficRoute[];
  history: TrafficChangeRecord[];
}) {
  const series = chartSeries(props.routes, props.history);
  if (series.every(s => s.points.length < 2)) {
    return (
      <Typography variant="body2" color="textSecondary">
        No change yet: the chart starts with the first change made here.
      </Typography>
    );
  }
  return (
    <div
      data-testid="traffic-chart"
      data-points={series.reduce((n, s) => n + s.points.length, 0)}
      style={{ width: '100%', height: 280 }}
    >
      <ResponsiveContainer>
        <LineChart margin={{ top: 8, right: 24, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={['dataMin', 'dataMax']}
            tickFormatter={t => new Date(t).toLocaleTimeString()}
          />
          <YAxis domain={[0, 100]} unit="%" />
          <Tooltip content={<ChangeTooltip />} />
          <Legend />
          {series.map((s, i) => (
            <Line
              key={s.name}
              name={s.name}
              data={s.points}
              dataKey="percent"
              type="stepAfter"
              stroke={COLORS[i % COLORS.length]}
              strokeWidth={2}
              dot
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
