/**
 * Places rows of panels on Grafana's 24-column grid and numbers every panel, so each dashboard file only
 * lists what it shows. (The SDK's automatic layout neither numbers panels nor wraps full rows.)
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import type { PanelSlot } from './panels.js';

const GRID_COLUMNS = 24;

/** A titled row of panels; panels wrap onto a new line when the 24 columns are used up. */
export interface Row {
  title: string;
  panels: PanelSlot[];
}

/** Adds `rows` to `builder` with ids 1, 2, 3... (rows included) and explicit grid positions. */
export function addRows(builder: dashboard.DashboardBuilder, rows: Row[]): dashboard.DashboardBuilder {
  let nextId = 1;
  let y = 0;
  for (const row of rows) {
    builder.withRow(new dashboard.RowBuilder(row.title).id(nextId++).gridPos({ x: 0, y, w: GRID_COLUMNS, h: 1 }));
    y += 1;
    let x = 0;
    let lineHeight = 0;
    for (const slot of row.panels) {
      if (slot.width > GRID_COLUMNS) throw new Error(`panel width ${slot.width} exceeds the ${GRID_COLUMNS}-column grid`);
      if (x + slot.width > GRID_COLUMNS) {
        y += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      slot.panel.id(nextId++);
      slot.panel.gridPos({ x, y, w: slot.width, h: slot.height });
      builder.withPanel(slot.panel);
      x += slot.width;
      lineHeight = Math.max(lineHeight, slot.height);
    }
    y += lineHeight;
  }
  return builder;
}

/** The dashboard frame every keelson dashboard shares: uid, tags, time range, refresh, links to the others. */
export function keelsonDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['keelson'])
    .editable()
    .tooltip(dashboard.DashboardCursorSync.Crosshair)
    .time({ from: 'now-1h', to: 'now' })
    .refresh('30s')
    .link(
      new dashboard.DashboardLinkBuilder('keelson dashboards')
        .type(dashboard.DashboardLinkType.Dashboards)
        .tags(['keelson'])
        .asDropdown(true)
        .includeVars(true)
        .keepTime(true),
    );
}
