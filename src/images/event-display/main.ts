/** The event-display image as a program of its own (see program.ts). */
import { runStandalone } from '../program.ts';
import { eventDisplay } from './program.ts';

runStandalone(eventDisplay);
