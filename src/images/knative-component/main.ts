/** The knative-component image as a program of its own (see program.ts). */
import { runStandalone } from '../program.ts';
import { knativeComponent } from './program.ts';

runStandalone(knativeComponent);
