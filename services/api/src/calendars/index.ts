/** The working-day calendar the API keeps (docs/calendar.md): bundled years under the loaded ones. */
export { calendarExists, calendarInForce, calendarView, listCalendars, loadCalendarYear } from './store';
